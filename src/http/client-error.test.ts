/**
 * What a client gets for bytes Node's HTTP parser cannot read, before the app sees them: still a
 * problem+json answer, never a bare status line.
 */
import type { Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { service } from "../../test/support/service.js";
import { answerClientError } from "./problem.js";

let server: Server;
let port: number;
beforeAll(async () => {
  server = createApp(await service()).listen(0, "127.0.0.1");
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let got = "";
    socket.on("data", (b) => (got += b.toString()));
    socket.on("end", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("requests the HTTP parser refuses", () => {
  it("a malformed request line gets a 400 problem", async () => {
    const answer = await raw("GARBAGE\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain("Content-Type: application/problem+json");
    expect(JSON.parse(answer.split("\r\n\r\n")[1]!)).toMatchObject({
      status: 400,
      detail: "the request is not valid HTTP",
    });
  });

  it("headers too large get a 431 problem", async () => {
    const answer = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.split("\r\n\r\n")[1]!)).toMatchObject({ status: 431 });
  });
});
