import { describe, expect, it } from "vitest";
import { checkQuotes, locateQuote, normaliseForQuote } from "./quotes.js";

const source = [
  "- 4.4 Thus cases meeting **either** of these criteria must always trigger a Serious Case",
  "",
  "Review:",
  "- ⦿ was the child abused or neglected while being looked after by the local authority?",
  "1 <sup>2</sup> The Local Authority should report",
].join("\n");
const doc = normaliseForQuote(source);

describe("quotes are checked word for word, ignoring only line breaks and markup", () => {
  it("finds a quote across a line break and emphasis markers", () => {
    expect(
      locateQuote(doc, "cases meeting either of these criteria must always trigger a Serious Case Review"),
    ).toEqual({ found: true });
  });
  it("ignores bullet glyphs of the converted documents", () => {
    expect(
      locateQuote(doc, "was the child abused or neglected while being looked after by the local authority?")
        .found,
    ).toBe(true);
  });
  it("does not accept a changed word, letter case or punctuation", () => {
    expect(locateQuote(doc, "cases meeting any of these criteria").found).toBe(false);
    expect(locateQuote(doc, "Cases meeting either").found).toBe(false);
    expect(locateQuote(doc, "looked after by the local authority.").found).toBe(false);
  });
  it("reads an ellipsis as omitted text, parts in order", () => {
    expect(locateQuote(doc, "Thus cases … Serious Case Review:").found).toBe(true);
    expect(locateQuote(doc, "Serious Case Review: … Thus cases").found).toBe(false);
  });
  it("reports each quote not found with where it came from", () => {
    const problems = checkQuotes(
      [
        {
          where: "x.yaml: quote",
          citation: { document: "004_dcf93c0f41036063.txt", section: "§1" },
          quote: "not in it",
        },
      ],
      new Map([["004_dcf93c0f41036063.txt", source]]),
    );
    expect(problems).toEqual([
      { where: "x.yaml: quote", document: "004_dcf93c0f41036063.txt", missing: "not in it" },
    ]);
  });
});
