/**
 * Whether a decision departs from the advice is the edition's ladder's (edition.yaml `follows`)
 * and its decisions.yaml, and is said in the ladder's words, never an outcome's id.
 */
import { describe, expect, it } from "vitest";
import { defaultRulesDir } from "../config.js";
import { loadRules, unquotedDocuments } from "../rulesets/load.js";
import { departure, loadDecisionOptions, type AdviceGiven } from "./decisions.js";

const library = loadRules(defaultRulesDir());
const decisions = loadDecisionOptions(defaultRulesDir(), library.editions.values());
const unquoted = unquotedDocuments(library.sources.values());
const edition = (id: string) => library.editions.get(id)!;

function decide(editionId: string, advice: Partial<AdviceGiven>, optionId: string, recommendation?: string) {
  const own = decisions.byEdition.get(editionId)!;
  const option = own.options.find((o) => o.id === optionId)!;
  const rec = own.recommendation?.options.find((o) => o.id === recommendation);
  return departure(
    { outcome: "undetermined", determined: true, possibleOutcomes: [], ...advice },
    option.review,
    edition(editionId),
    { outcome: option.outcome, caution: own.caution, recommendation: rec },
    unquoted,
  );
}

const ids = [...library.editions.values()].flatMap((e) => e.outcomes.map((o) => o.id));
const noIds = (text: string) => {
  for (const id of ids) expect(text).not.toMatch(new RegExp(`(^|[^a-z-])${id}([^a-z-]|$)`));
};

describe("a decision under Working Together 2015", () => {
  it("departs when the criteria for initiating a review were met and none is held, quoting 004 §5.4", () => {
    const r = decide(
      "wt2015",
      { outcome: "initiate-scr", possibleOutcomes: ["initiate-scr"] },
      "no-further-action",
    );
    expect(r.departs).toBe(true);
    expect(r.text).toContain("initiate a Serious Case Review");
    expect(r.text).toContain("may be subject to scrutiny by the national panel");
    noIds(r.text);
  });

  it("follows when the criteria are not met and no review is held", () => {
    const r = decide("wt2015", { outcome: "criteria-not-met" }, "no-further-action");
    expect(r.departs).toBe(false);
  });

  it("names what was still possible in the ladder's words when the advice was not determined", () => {
    const r = decide(
      "wt2015",
      { outcome: "undetermined", determined: false, possibleOutcomes: ["initiate-scr", "criteria-not-met"] },
      "serious-case-review",
    );
    expect(r.departs).toBeNull();
    expect(r.text).toContain("initiate a Serious Case Review; or the criteria are not met");
    noIds(r.text);
  });
});

describe("a decision under Working Together 2010", () => {
  it("departs from a duty to initiate a review with 000 §4.3's words, not 2015's national panel", () => {
    const r = decide("wt2010", { outcome: "initiate-scr" }, "no-further-action");
    expect(r.departs).toBe(true);
    expect(r.text).toContain("full rationale and basis of this decision");
    expect(r.text).not.toContain("national panel");
  });
});

describe("a decision on a Welsh child practice review", () => {
  it("follows when the review held is the kind the answers gave", () => {
    expect(decide("wales-cpr", { outcome: "extended-cpr" }, "extended-cpr").departs).toBe(false);
    expect(decide("wales-cpr", { outcome: "concise-cpr" }, "concise-cpr").departs).toBe(false);
  });

  it("departs when a concise review is held where the answers gave an extended one", () => {
    const r = decide("wales-cpr", { outcome: "extended-cpr" }, "concise-cpr");
    expect(r.departs).toBe(true);
    expect(r.text).toContain("hold an extended child practice review");
    expect(r.text).toContain("hold a concise child practice review");
    noIds(r.text);
  });

  it("departs when no review is held where one is a duty, citing the regulation as not quoted", () => {
    const r = decide("wales-cpr", { outcome: "concise-cpr" }, "no-review");
    expect(r.departs).toBe(true);
    expect(r.text).toContain("wsi-2012-1712");
    expect(r.text).toContain("not quoted");
    expect(r.text).not.toContain("Serious Case Review");
    noIds(r.text);
  });

  it("departs when a review is held though the criteria are not met, and follows when none is", () => {
    expect(decide("wales-cpr", { outcome: "criteria-not-met" }, "concise-cpr").departs).toBe(true);
    expect(decide("wales-cpr", { outcome: "criteria-not-met" }, "no-review").departs).toBe(false);
  });
});

describe("the safeguarding partners' decision since 2018", () => {
  it("never departs from criteria that are weighed: the partners decide either way", () => {
    for (const outcome of ["recommend-local-review", "local-review-not-indicated"])
      for (const option of ["local-review", "no-local-review"]) {
        const r = decide("cspr-2018", { outcome }, option, "no-recommendation");
        expect(r.departs).toBe(false);
        expect(r.text).toContain("the safeguarding partners'");
        noIds(r.text);
      }
  });

  it("says so when the decision goes against the rapid review's recommendation", () => {
    const r = decide("cspr-2018", { outcome: "recommend-local-review" }, "no-local-review", "local-review");
    expect(r.departs).toBe(false);
    expect(r.text).toContain("a local child safeguarding practice review, and the decision is to hold none");
    expect(
      decide("cspr-2018", { outcome: "recommend-local-review" }, "local-review", "local-review").text,
    ).not.toContain("record why");
  });
});
