/**
 * The case pages: a case's history and minutes, and the chair's decision recorded with the GOV.UK
 * patterns. They record through the same service operations as the API (recordDecision), so the
 * two cannot differ. Saving advice to a case starts on the result page (assessments/web.ts).
 */
import express, { type Response } from "express";
import { InvalidInput, NotFound } from "../errors.js";
import { ladderFor } from "../assessments/minutes.js";
import type { Outcome } from "../rulesets/types.js";
import type { Service } from "../service.js";
import { actorOf } from "../middleware/actor.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";
import type { PageForms } from "../web/pages.js";
import { createViews, defaultFooter } from "../web/views.js";
import { renderCaseMinutes } from "./minutes.js";
import type { StoredRecord } from "./store.js";

const caseUrl = (reference: string) => `/cases/${encodeURIComponent(reference)}`;
const when = (iso: string) => iso.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");

/** An outcome in its edition's words; a record of an edition no longer loaded keeps its id. */
function outcomeWords(editionId: string, outcome: string): string {
  // Advice since issue 13 says "undetermined" rather than keeping the floor in `outcome`.
  if (outcome === "undetermined") return "Not yet determined";
  try {
    return ladderFor(editionId).words[outcome] ?? outcome;
  } catch {
    return outcome;
  }
}

export function casePages(service: Service, { form, guarded }: PageForms): express.Router {
  const env = createViews();
  const router = express.Router();
  /** A case that does not exist, or a reference that cannot be one, is a page not found. */
  const caseFile = async (res: Response, reference: string) => {
    try {
      return await service.caseFile(actorOf(res), reference);
    } catch (e) {
      if (e instanceof InvalidInput) throw new NotFound("there is no such case");
      throw e;
    }
  };

  const describe = (r: StoredRecord): string => {
    if (r.kind === "case-opened") return "Case opened";
    if (r.kind === "assessment") {
      const a = r.content.assessment as {
        outcome: Outcome;
        determined: boolean;
        edition: { id: string; title: string };
      };
      return `Advice (${a.edition.title}): ${outcomeWords(a.edition.id, a.outcome)}${a.determined || a.outcome === "undetermined" ? "" : " so far; not yet determined"}`;
    }
    const d = r.content as {
      decisionText: string;
      decidedOn: string;
      decidedBy: string;
      departsFromAdvice: boolean | null;
      corrects?: string;
    };
    const departs = d.departsFromAdvice === true ? "; departs from the advice" : "";
    return `Decision: ${d.decisionText}, ${d.decidedOn}, by ${d.decidedBy}${departs}${d.corrects ? " (a correction)" : ""}`;
  };

  const page = async (
    res: Response,
    reference: string,
    values: Record<string, string> = {},
    errors: FormError[] = [],
    status = 200,
  ) => {
    const { records, verification } = await caseFile(res, reference);
    const advice = [...records].reverse().find((r) => r.kind === "assessment");
    const adviceOutcome = advice
      ? (advice.content.assessment as { outcome: Outcome; determined: boolean; edition: { id: string } })
      : undefined;
    // The options are the advice's edition's: a Welsh case records a child practice review's.
    const editionId = adviceOutcome?.edition.id ?? service.library.defaultEdition;
    const choices = service.decisionsFor(editionId);
    const ladder = (() => {
      try {
        return ladderFor(editionId);
      } catch {
        return ladderFor(service.library.defaultEdition);
      }
    })();
    res
      .status(status)
      .type("html")
      .send(
        env.render("case.njk", {
          cspNonce: res.locals.cspNonce,
          ruleset: defaultFooter(service.library),
          title: `Case ${reference}`,
          reference,
          verification,
          historyRows: records.map((r) => ({
            key: { text: `${r.seq}. ${when(r.recordedAt)}` },
            value: { text: describe(r) },
          })),
          latestAdvice: advice && {
            id: advice.recordId,
            when: when(advice.recordedAt),
            words: `${outcomeWords(adviceOutcome!.edition.id, adviceOutcome!.outcome)}${adviceOutcome!.determined || adviceOutcome!.outcome === "undetermined" ? "" : " so far (not yet determined)"}`,
          },
          decider: ladder.decider,
          decidersOwn: ladder.decidersOwn,
          recommendation: choices.recommendation && {
            label: choices.recommendation.label,
            hint: choices.recommendation.hint,
            items: choices.recommendation.options.map((o) => ({
              value: o.id,
              text: o.text,
              checked: values.recommendation === o.id,
            })),
          },
          decisionItems: choices.options.map((o) => ({
            value: o.id,
            text: o.text,
            checked: values.decision === o.id,
          })),
          values,
          errors: errors.map((e) => ({ text: e.text, href: e.href })),
          fieldErrors: Object.fromEntries(errors.map((e) => [e.field, e.text])),
          minutes: renderCaseMinutes(reference, records, verification),
          filename: `case-${reference.replace(/\//g, "-")}-minutes.md`,
        }),
      );
  };

  router.get("/cases/:reference", async (req, res) => {
    await page(res, String(req.params.reference));
  });

  router.post("/cases/:reference/decisions", ...guarded, form, async (req, res) => {
    const reference = String(req.params.reference);
    const body = (req.body ?? {}) as FormBody;
    const values: Record<string, string> = {
      decision: text(body.decision),
      decidedBy: text(body.decidedBy),
      reasons: text(body.reasons),
      recommendation: text(body.recommendation),
    };
    const errors: FormError[] = [];
    const decidedOn = readDateParts(body, "decidedOn", "Date of the decision", values, errors);
    if (!decidedOn && !errors.some((e) => e.field === "decidedOn"))
      errors.push({ href: "#decidedOn-day", field: "decidedOn", text: "Enter the date of the decision" });
    if (!values.decision)
      errors.push({ href: "#decision", field: "decision", text: "Select what the chair decided" });
    if (!values.decidedBy)
      errors.push({
        href: "#decidedBy",
        field: "decidedBy",
        text: "Enter the role of the person who decided",
      });
    if (!values.reasons)
      errors.push({ href: "#reasons", field: "reasons", text: "Enter the reasons for the decision" });
    if (errors.length) return page(res, reference, values, errors, 400);
    try {
      await service.recordDecision(actorOf(res), reference, {
        adviceId: text(body.adviceId),
        decision: values.decision,
        decidedOn,
        decidedBy: values.decidedBy,
        reasons: values.reasons,
        ...(values.recommendation ? { recommendation: values.recommendation } : {}),
      });
    } catch (e) {
      if (!(e instanceof InvalidInput)) throw e;
      const mapped = formErrors(e, (pointer) => {
        const field = pointer.replace(/^\//, "");
        return { field, href: `#${field === "decidedOn" ? "decidedOn-day" : field}`, label: `${field}:` };
      });
      return page(res, reference, values, mapped, 400);
    }
    res.redirect(303, caseUrl(reference));
  });

  return router;
}
