/**
 * The criteria written a second time, by hand, as plain TypeScript over complete answers. Used as
 * an independent oracle by the property tests (brute force over every way of answering the open
 * questions) and as the "plain function" baseline of `npm run bench`. It is deliberately not built
 * from the rule files: if the YAML and this disagree, a test fails and a person looks.
 */
export type Complete = Record<string, "yes" | "no" | number>;
export type Raw = Record<string, "yes" | "no" | "unknown" | number>;
export type Outcome = string;

/** Each edition's outcomes, strongest first, written again by hand (edition.yaml holds the source). */
export const LADDERS: Record<string, Outcome[]> = {
  wt2015: ["initiate-scr", "consider-scr", "criteria-not-met"],
  wt2010: ["initiate-scr", "consider-scr", "criteria-not-met"],
  "wales-cpr": ["extended-cpr", "concise-cpr", "criteria-not-met"],
  "cspr-2018": ["recommend-local-review", "local-review-not-indicated"],
};

const y = (a: Complete, id: string): boolean => a[id] === "yes";
const age = (a: Complete): number => a.ageYears as number;
/** Serious harm read as given: unanswered, a yes to the situation stands for it; only "no" denies it. */
const harmNotDenied = (raw: Raw): boolean => raw.childSeriouslyHarmed !== "no";
const notifiable = (a: Complete): boolean =>
  (y(a, "childDied") && y(a, "abuseOrNeglect")) ||
  (y(a, "childSeriouslyHarmed") && y(a, "abuseOrNeglect")) ||
  (y(a, "childDied") && y(a, "lookedAfterChild")) ||
  (y(a, "childDied") && y(a, "regulatedSettingOrService"));

/** Within the board's area, abuse or neglect, and a death or grave harm (SI 2012/1712 reg 4A). */
const welshDuty = (a: Complete): boolean =>
  y(a, "incidentInArea") &&
  y(a, "abuseOrNeglect") &&
  (y(a, "childDied") || y(a, "lifeThreateningInjuryOrPermanentImpairment"));
/** A serious child safeguarding case: abuse or neglect, and a death or serious harm. */
const seriousCase = (a: Complete): boolean =>
  y(a, "abuseOrNeglect") && (y(a, "childDied") || y(a, "childSeriouslyHarmed"));
/** Children Act 2004 s16C(1): a serious case in the area, or of a resident outside England. */
const notifiableToPanel = (a: Complete): boolean =>
  seriousCase(a) && (y(a, "incidentInArea") || y(a, "normallyResidentHarmedOutsideEngland"));

const ELEVEN = [
  (a: Complete) => y(a, "harmNotRecognised") || y(a, "harmNotShared") || y(a, "harmNotActedOn"),
  ...[
    "abusedInInstitutionalSetting",
    "abusedWhileLookedAfter",
    "familyRecentlyMovedToUK",
    "harmDuringUnauthorisedAbsence",
    "agencyConcernsNotTakenSeriously",
    "proceduralFailingsBeyondCase",
    "childProtectionPlan",
    "implicationsForRangeOfAgencies",
    "localProtocolsNeedChange",
    "nationalImplicationsOrPublicInterest",
  ].map((id) => (a: Complete) => y(a, id)),
];

/** Criterion id -> whether it is met, given complete answers and the answers as given. */
const ORACLE: Record<string, Record<string, (a: Complete, raw: Raw) => boolean>> = {
  wt2015: {
    "wt2015-i-death": (a) => y(a, "abuseOrNeglect") && y(a, "childDied"),
    // "unless it is clear that there are no concerns": read as given, unknown included.
    "wt2015-ii-serious-harm": (a, raw) =>
      y(a, "abuseOrNeglect") && y(a, "childSeriouslyHarmed") && raw.concernsAboutWorkingTogether !== "no",
    "wt2015-iii-custody": (a) =>
      y(a, "childDied") &&
      (y(a, "diedInCustody") ||
        y(a, "detainedUnderMentalHealthAct") ||
        (y(a, "deprivationOfLibertyOrder") && (age(a) === 16 || age(a) === 17))),
    // A yes to the situation says the child was seriously harmed: only an answer of "no" closes it.
    "wt2015-iv-life-threatening-injury": (a, raw) =>
      harmNotDenied(raw) &&
      y(a, "lifeThreateningInjuryOrPermanentImpairment") &&
      y(a, "concernsAboutWorkingTogether"),
    "wt2015-v-sexual-abuse": (a, raw) =>
      harmNotDenied(raw) && y(a, "seriouslyHarmedBySexualAbuse") && y(a, "concernsAboutWorkingTogether"),
    "wt2015-vi-parent-murdered": (a) =>
      y(a, "parentMurderedWithHomicideReview") && y(a, "concernsAboutWorkingTogether"),
    "wt2015-vii-killed-by-parent-with-mental-illness": (a) =>
      y(a, "childDied") && y(a, "killedByParentWithMentalIllness") && y(a, "concernsAboutWorkingTogether"),
    "wt2015-viii-violent-assault": (a, raw) =>
      harmNotDenied(raw) && y(a, "seriouslyHarmedByViolentAssault") && y(a, "concernsAboutWorkingTogether"),
    ...Object.fromEntries(ELEVEN.map((f, i) => [`wt2015-q${String(i + 1).padStart(2, "0")}`, f])),
  },
  "wales-cpr": {
    "wales-cpr-extended": (a) => welshDuty(a) && y(a, "childProtectionRegisterOrLookedAfterInSixMonths"),
    "wales-cpr-concise": (a) => welshDuty(a) && a.childProtectionRegisterOrLookedAfterInSixMonths === "no",
  },
  "cspr-2018": {
    "cspr-2018-reg11-a": (a) => seriousCase(a) && y(a, "improvementsNeeded"),
    "cspr-2018-reg11-b": (a) => seriousCase(a) && y(a, "recurrentThemes"),
    "cspr-2018-reg11-c": (a) => seriousCase(a) && y(a, "twoOrMoreAgenciesWorkingTogether"),
    "cspr-2018-reg11-d": (a) => seriousCase(a) && y(a, "panelConcludedLocalReviewMoreAppropriate"),
  },
  wt2010: {
    "wt2010-8.9-death": (a) => y(a, "childDied") && y(a, "abuseOrNeglect"),
    "wt2010-8.9-killed-by-relative": (a) =>
      y(a, "childDied") &&
      (y(a, "killedByParentWithMentalIllness") || y(a, "killedByCarerOrRelativeWithRiskFactors")),
    "wt2010-8.9-custody": (a) =>
      y(a, "childDied") && (y(a, "diedInCustody") || y(a, "detainedUnderMentalHealthAct")),
    // 8.11: "whenever a child has been seriously harmed in the following situations", every one.
    "wt2010-8.11-1": (a, raw) =>
      harmNotDenied(raw) &&
      y(a, "lifeThreateningInjuryOrPermanentImpairment") &&
      y(a, "concernsAboutWorkingTogether"),
    "wt2010-8.11-2": (a, raw) =>
      harmNotDenied(raw) && y(a, "seriouslyHarmedBySexualAbuse") && y(a, "concernsAboutWorkingTogether"),
    "wt2010-8.11-3": (a) =>
      y(a, "childSeriouslyHarmed") &&
      y(a, "parentMurderedWithHomicideReview") &&
      y(a, "concernsAboutWorkingTogether"),
    "wt2010-8.11-4": (a, raw) =>
      harmNotDenied(raw) && y(a, "seriouslyHarmedByViolentAssault") && y(a, "concernsAboutWorkingTogether"),
    ...Object.fromEntries(ELEVEN.map((f, i) => [`wt2010-q${String(i + 1).padStart(2, "0")}`, f])),
  },
};

export const ORACLE_TRIGGERS: Record<string, (a: Complete) => boolean> = {
  "notifiable-incident": notifiable,
  "notifiable-child-death": (a) =>
    y(a, "childDied") &&
    (y(a, "abuseOrNeglect") || y(a, "lookedAfterChild") || y(a, "regulatedSettingOrService")),
  "consider-referral-to-subgroup": notifiable,
  "out-of-area-notification": (a) => y(a, "placedOutOfArea") && notifiable(a),
  "health-declaration": (a) => y(a, "healthSeriousIncident"),
  "national-panel-challenge": (a) => y(a, "nationalPanelChallenge"),
  "dhr-young-person": (a) =>
    y(a, "childDied") && y(a, "killedByFamilyOrHouseholdMember") && (age(a) === 16 || age(a) === 17),
  "youth-justice-board-review": (a) =>
    y(a, "incidentInSecureChildrensHome") && (y(a, "childDied") || y(a, "childSeriouslyHarmed")),
  "lead-board": (a) => y(a, "knownToMoreThanOneBoard"),
  "lead-board-looked-after": (a) =>
    y(a, "lookedAfterChild") && (y(a, "placedOutOfArea") || y(a, "knownToMoreThanOneBoard")),
  "child-death-review-looked-after": (a) => y(a, "childDied") && y(a, "lookedAfterChild"),
  "case-review-below-threshold": (a) =>
    y(a, "learningFromMultiAgencyPractice") || y(a, "learningBelowThreshold"),
  "media-interest": (a) => y(a, "mediaInterest"),
  "criminal-proceedings": (a) => y(a, "criminalProceedings"),
  "complex-abuse-link": (a) => y(a, "linkedToComplexAbuse"),
  leder: (a) =>
    y(a, "childDied") && (y(a, "learningDisability") || (y(a, "developmentalDelay") && age(a) < 5)),
  "child-death-review": (a) => y(a, "childDied"),
  "domestic-homicide-review": (a) => y(a, "parentMurderedWithHomicideReview"),
  "prisons-probation-ombudsman": (a) => y(a, "childDied") && y(a, "diedInYoiOrSecureTrainingCentre"),
  "other-children-at-risk": (a) =>
    y(a, "abuseOrNeglect") && (y(a, "childDied") || y(a, "childSeriouslyHarmed")),
  "health-serious-incident": (a) => y(a, "healthSeriousIncident"),
  "notify-panel": notifiableToPanel,
  "rapid-review": notifiableToPanel,
  "notify-looked-after-death": (a) => y(a, "childDied") && y(a, "lookedAfterChild"),
  "national-review-criteria": (a) =>
    seriousCase(a) &&
    (y(a, "improvementsNeeded") || y(a, "lawOrGuidanceChangeNeeded") || y(a, "recurrentThemes")),
};

/** The oracle's criterion function for a rule id (rule ids carry a slug after the oracle's key). */
export function oracleCriterion(edition: string, ruleId: string): (a: Complete, raw: Raw) => boolean {
  const table = ORACLE[edition]!;
  const key = Object.keys(table).find((k) => ruleId === k || ruleId.startsWith(`${k}-`));
  if (!key) throw new Error(`the oracle has no criterion for ${ruleId}`);
  return table[key]!;
}

/** Per edition, the rung (index into LADDERS) each criterion brings about; the rest bring rung 1. */
const STRONGEST: Record<string, string[]> = {
  wt2015: ["wt2015-i-death", "wt2015-ii-serious-harm", "wt2015-iii-custody"],
  wt2010: ["wt2010-8.9-death", "wt2010-8.9-killed-by-relative", "wt2010-8.9-custody"],
  "wales-cpr": ["wales-cpr-extended"],
  "cspr-2018": ["cspr-2018-reg11-a", "cspr-2018-reg11-b", "cspr-2018-reg11-c", "cspr-2018-reg11-d"],
};

export function oracleOutcome(edition: string, a: Complete, raw: Raw): Outcome {
  const table = ORACLE[edition]!;
  const ladder = LADDERS[edition]!;
  let second = false;
  for (const [id, f] of Object.entries(table)) {
    if (!f(a, raw)) continue;
    if (STRONGEST[edition]!.includes(id)) return ladder[0]!;
    second = true;
  }
  // cspr-2018 has two rungs: every criterion is of the first, so "second" never arises there.
  return second ? ladder[1]! : ladder[ladder.length - 1]!;
}
