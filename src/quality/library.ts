/**
 * The quality-assurance rule sets: the checklist of 000 Appendix I (one file per section, items
 * quoted), the features Ofsted judged (000 §13) with the items that bear on each, and the action
 * plan's columns, RAG definitions and SMART elements (000 Appendices F and G). Loaded and checked
 * at start-up like the decision rules: a broken file stops the service naming the file and field.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { RuleFileError } from "../errors.js";
import { readYaml } from "../rulesets/load.js";
import { citationSchema } from "../rulesets/schema.js";
import type { Citation, QuotedPassage } from "../rulesets/types.js";

const text = z.string().trim().min(1, "must not be empty");
const id = z.string().regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and hyphens");
const dateName = z.enum([
  "becameAware",
  "referral",
  "decision",
  "ofstedNotified",
  "completed",
  "agreedExtension",
]);
export type QaDateName = z.infer<typeof dateName>;
export const QA_DATE_NAMES = dateName.options;

const computedSchema = z.strictObject({
  date: dateName,
  from: dateName,
  add: z.strictObject({ months: z.number().int().positive() }),
  extendedBy: dateName.optional(),
  basis: z.strictObject({ text, citation: citationSchema, quote: text }),
});

const sectionSchema = z.strictObject({
  section: id,
  order: z.number().int().positive(),
  title: text,
  citation: citationSchema,
  items: z.array(z.strictObject({ id, text, computed: computedSchema.optional() })).min(1),
});

const featuresSchema = z.strictObject({
  citation: citationSchema,
  lead: text,
  features: z.array(z.strictObject({ id, text, items: z.array(id).min(1) })).min(1),
});

const columnId = z.enum([
  "recommendation",
  "action",
  "timescale",
  "rag",
  "responsible",
  "monitoring",
  "measure",
]);
export type ColumnId = z.infer<typeof columnId>;

const actionPlanSchema = z.strictObject({
  columns: z.array(z.strictObject({ id: columnId, title: text, guidance: text })).length(7),
  columnsCitation: citationSchema,
  rag: z.strictObject({ citation: citationSchema, red: text, amber: text, green: text }),
  smart: z.strictObject({ citation: citationSchema, quote: text }),
  recommendationHas: z.strictObject({ citation: citationSchema, quote: text }),
  judgements: z
    .array(z.strictObject({ id, column: columnId, text, citation: citationSchema, quote: text }))
    .min(1),
});

export type ChecklistSection = z.infer<typeof sectionSchema>;
export type ChecklistItem = ChecklistSection["items"][number] & { section: string };
export type OfstedFeatures = z.infer<typeof featuresSchema>;
export type ActionPlanRules = z.infer<typeof actionPlanSchema>;

export interface QualityLibrary {
  sections: ChecklistSection[];
  items: ChecklistItem[];
  itemById: Map<string, ChecklistItem>;
  features: OfstedFeatures;
  actionPlan: ActionPlanRules;
  hash: string;
}

export function loadQuality(rulesDir: string): QualityLibrary {
  const hash = createHash("sha256");
  const dir = "quality/checklist";
  const files = readdirSync(path.join(rulesDir, dir))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const sections = files.map((f) => {
    const file = `${dir}/${f}`;
    const { data, bytes } = readYaml(rulesDir, file, sectionSchema);
    if (`${data.section}.yaml` !== f)
      throw new RuleFileError(file, "section", `"${data.section}" must match the file name`);
    hash.update(file).update("\0").update(bytes);
    return data;
  });
  sections.sort((a, b) => a.order - b.order);
  const items: ChecklistItem[] = [];
  const itemById = new Map<string, ChecklistItem>();
  for (const s of sections) {
    for (const [i, item] of s.items.entries()) {
      if (itemById.has(item.id))
        throw new RuleFileError(`${dir}/${s.section}.yaml`, `items.${i}.id`, `"${item.id}" is used twice`);
      const full = { ...item, section: s.section };
      items.push(full);
      itemById.set(item.id, full);
    }
  }
  const features = readYaml(rulesDir, "quality/ofsted-features.yaml", featuresSchema);
  features.data.features.forEach((f, i) =>
    f.items.forEach((item, j) => {
      if (!itemById.has(item)) {
        throw new RuleFileError(
          "quality/ofsted-features.yaml",
          `features.${i}.items.${j}`,
          `"${item}" is not a checklist item`,
        );
      }
    }),
  );
  const actionPlan = readYaml(rulesDir, "quality/action-plan.yaml", actionPlanSchema);
  hash.update("features").update(features.bytes).update("action-plan").update(actionPlan.bytes);
  return {
    sections,
    items,
    itemById,
    features: features.data,
    actionPlan: actionPlan.data,
    hash: `sha256:${hash.digest("hex")}`,
  };
}

/** Every quote the quality rules hold, for the word-for-word check. */
export function qualityPassages(q: QualityLibrary): Array<{ where: string } & QuotedPassage> {
  const out: Array<{ where: string } & QuotedPassage> = [];
  const cite = (c: Citation) => c;
  for (const s of q.sections) {
    for (const item of s.items) {
      out.push({
        where: `quality/checklist/${s.section}.yaml: ${item.id}.text`,
        citation: cite(s.citation),
        quote: item.text,
      });
      if (item.computed)
        out.push({
          where: `quality/checklist/${s.section}.yaml: ${item.id}.computed.basis.quote`,
          ...item.computed.basis,
        });
    }
  }
  out.push({
    where: "quality/ofsted-features.yaml: lead",
    citation: q.features.citation,
    quote: q.features.lead,
  });
  for (const f of q.features.features) {
    out.push({
      where: `quality/ofsted-features.yaml: ${f.id}.text`,
      citation: q.features.citation,
      quote: f.text,
    });
  }
  const ap = q.actionPlan;
  for (const c of ap.columns)
    out.push({
      where: `quality/action-plan.yaml: columns.${c.id}.guidance`,
      citation: ap.columnsCitation,
      quote: c.guidance,
    });
  for (const k of ["red", "amber", "green"] as const)
    out.push({ where: `quality/action-plan.yaml: rag.${k}`, citation: ap.rag.citation, quote: ap.rag[k] });
  out.push({ where: "quality/action-plan.yaml: smart", ...ap.smart });
  out.push({ where: "quality/action-plan.yaml: recommendationHas", ...ap.recommendationHas });
  for (const j of ap.judgements)
    out.push({ where: `quality/action-plan.yaml: judgements.${j.id}`, citation: j.citation, quote: j.quote });
  return out;
}
