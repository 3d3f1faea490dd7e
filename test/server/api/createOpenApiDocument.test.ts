import { expect } from "chai";
import { network } from "hardhat";

import { API_ERRORS } from "../../../server/api/apiErrors.js";
import { createOpenApiDocument, type OpenApiDocument } from "../../../server/api/createOpenApiDocument.js";
import { deployApiFixture, request } from "../../helpers/apiFixture.js";

const { ethers, provider } = await network.create();

/** Express 5 keeps its routes in `app.router.stack`: layers with a `route` (path and methods). */
type RouterLayer = { route?: { path: string; methods: Record<string, boolean> } };

describe("createOpenApiDocument", function () {
  let fx: Awaited<ReturnType<typeof deployApiFixture>>;
  let url: string;
  let app: Awaited<ReturnType<typeof fx.startApi>>["api"]["app"];
  let document: OpenApiDocument;

  before(async function () {
    fx = await deployApiFixture(ethers, provider);
    await fx.sync();
    const started = await fx.startApi();
    ({ url } = started);
    app = started.api.app;
    document = createOpenApiDocument();
  });

  after(async function () {
    await fx.close();
  });

  it("is served at /v1/openapi.json as OpenAPI 3.1, without the envelope", async function () {
    const { status, body, headers } = await request(url, "/v1/openapi.json");
    expect(status).to.equal(200);
    expect(headers.get("content-type")).to.equal("application/json; charset=utf-8");
    expect(body).to.deep.equal(JSON.parse(JSON.stringify(document)));
    expect(body.openapi).to.equal("3.1.0");
  });

  it("documents every route the app registers, with each of its methods", function () {
    const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
    const routes = stack.filter((layer) => layer.route !== undefined).map((layer) => layer.route!);
    expect(routes.length).to.be.greaterThan(15);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
      const item = document.paths[path];
      expect(item, `${route.path} is not in the OpenAPI document`).to.not.equal(undefined);
      for (const method of Object.keys(route.methods).filter((name) => name !== "_all")) {
        expect(item, `${method.toUpperCase()} ${route.path}`).to.have.property(method);
      }
    }
    // …and documents nothing the app does not serve (the verifier page is served by static middleware).
    const registered = new Set(routes.map((route) => route.path.replace(/:([A-Za-z]+)/g, "{$1}")));
    expect(Object.keys(document.paths).filter((path) => !registered.has(path))).to.deep.equal(["/"]);
  });

  it("declares every path parameter and names every error code the API answers with", function () {
    const text = JSON.stringify(document);
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([A-Za-z]+)\}/g)].map((match) => match[1]);
      for (const operation of Object.values(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        expect(declared, `${path} ${operation.operationId}`).to.deep.equal(names);
        expect(Object.keys(operation.responses).length).to.be.greaterThan(1);
      }
    }
    for (const code of Object.keys(API_ERRORS)) expect(text, code).to.include(`\`${code}\``);
  });

  it("resolves every schema reference", function () {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/g)].map(
      (match) => match[1]!,
    );
    expect(refs.length).to.be.greaterThan(10);
    for (const ref of refs) expect(document.components.schemas, ref).to.have.property(ref);
  });

  it("describes the answers the API gives: a card's status fields match the schema's", async function () {
    const { body } = await request(url, `/v1/batches/${fx.f.batch.batchId}/cards/3`);
    const schema = document.components.schemas.CardStatus!;
    expect(Object.keys(body.data).sort()).to.deep.equal([...schema.required!].sort());
    expect(Object.keys(body.block).sort()).to.deep.equal([...document.components.schemas.Block!.required!].sort());
    const batch = await request(url, `/v1/batches/${fx.f.batch.batchId}`);
    expect(Object.keys(batch.body.data).sort()).to.deep.equal(
      [...document.components.schemas.BatchDetail!.required!].sort(),
    );
  });
});
