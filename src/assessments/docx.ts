/**
 * The minutes as a Word document (.docx), from the same blocks as every other rendering
 * (minutes.ts): headings as Word headings, lists as Word bullets, quotes indented in italics, and
 * the chair's lines to fill in. Built with the `docx` library; nothing is written to disk.
 */
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from "docx";
import type { Block, Item } from "./minutes.js";

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

function runs(lead: string | undefined, text: string): TextRun[] {
  return [
    ...(lead ? [new TextRun({ text: text ? `${lead} ` : lead, bold: true })] : []),
    ...(text ? [new TextRun(text)] : []),
  ];
}

function items(list: readonly Item[], level: number): Paragraph[] {
  return list.flatMap((i) => [
    new Paragraph({ children: runs(i.lead, i.text), bullet: { level } }),
    ...items(i.items ?? [], level + 1),
  ]);
}

export async function toDocx(blocks: readonly Block[]): Promise<Buffer> {
  const children = blocks.flatMap((b): Paragraph[] => {
    switch (b.kind) {
      case "heading":
        return [new Paragraph({ text: b.text, heading: HEADINGS[b.level] })];
      case "paragraph":
        return [new Paragraph({ children: runs(b.lead, b.text), spacing: { after: 120 } })];
      case "list":
        return items(b.items, 0);
      case "quote":
        return [
          new Paragraph({
            children: [new TextRun({ text: `“${b.text}”`, italics: true })],
            indent: { left: 567 },
          }),
          new Paragraph({
            children: [new TextRun(`(${b.cite})`)],
            indent: { left: 567 },
            spacing: { after: 120 },
          }),
        ];
      case "fill":
        return [
          new Paragraph({
            children: [new TextRun(`${b.label}: ______________________________`)],
            spacing: { after: 240 },
          }),
        ];
    }
  });
  const title = blocks[0]?.kind === "heading" ? blocks[0].text : "Minutes";
  const doc = new Document({
    title,
    creator: "Threshold",
    styles: { default: { document: { run: { font: "Arial", size: 22 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
