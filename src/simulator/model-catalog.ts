import { deliverJson, jsonType } from "./delivery.js";
import type { Exchange } from "./exchange.js";
import { modelNotFound, sendError } from "./openai-errors.js";

/** A model the simulator lists; `snapshot` is what OpenAI reports in responses for the alias. */
export interface CatalogModel {
  readonly id: string;
  readonly snapshot: string;
  readonly created: number;
  readonly ownedBy: string;
}

function model(id: string, snapshot: string, created: number, ownedBy = "system"): CatalogModel {
  return { id, snapshot, created, ownedBy };
}

const catalog: readonly CatalogModel[] = [
  model("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741),
  model("gpt-4o", "gpt-4o-2024-08-06", 1715367049),
  model("gpt-4.1", "gpt-4.1-2025-04-14", 1744316542),
  model("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 1744318173),
  model("gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", 1744321707),
  model("gpt-4", "gpt-4-0613", 1687882411, "openai"),
  model("gpt-4-turbo", "gpt-4-turbo-2024-04-09", 1712361441),
  model("gpt-3.5-turbo", "gpt-3.5-turbo-0125", 1677610602, "openai"),
  model("gpt-5", "gpt-5-2025-08-07", 1754425777),
  model("gpt-5-mini", "gpt-5-mini-2025-08-07", 1754425867),
  model("gpt-5-nano", "gpt-5-nano-2025-08-07", 1754426384),
  model("o1", "o1-2024-12-17", 1734375816),
  model("o1-mini", "o1-mini-2024-09-12", 1725649008),
  model("o3", "o3-2025-04-16", 1744225308),
  model("o3-mini", "o3-mini-2025-01-31", 1737146383),
  model("o4-mini", "o4-mini-2025-04-16", 1744225351),
  model("babbage-002", "babbage-002", 1692634615),
  model("davinci-002", "davinci-002", 1692634301),
  model("text-embedding-3-small", "text-embedding-3-small", 1705948997),
  model("text-embedding-3-large", "text-embedding-3-large", 1705953180),
  model("text-embedding-ada-002", "text-embedding-ada-002", 1671217299, "openai-internal"),
];

const byId = new Map(catalog.map((entry) => [entry.id, entry]));

function findModel(id: string): CatalogModel | undefined {
  return byId.get(id);
}

/** Known aliases answer with their dated snapshot, as OpenAI does; anything else is echoed. */
export function snapshotOf(requested: string): string {
  return byId.get(requested)?.snapshot ?? requested;
}

export function isReasoningModel(requested: string): boolean {
  return /^(o1|o3|o4|gpt-5)/.test(requested);
}

function modelObject(model: CatalogModel): Record<string, unknown> {
  return { id: model.id, object: "model", created: model.created, owned_by: model.ownedBy };
}

const listBody = `${JSON.stringify({ object: "list", data: catalog.map(modelObject) }, null, 2)}\n`;

/** GET /v1/models: the catalogue, serialised once at load. */
export function handleModelList(ex: Exchange): Promise<void> {
  return deliverJson(ex, { "content-type": jsonType }, listBody);
}

/** GET /v1/models/:id */
export async function handleModelGet(ex: Exchange, id: string): Promise<void> {
  const model = findModel(id);
  if (model === undefined) return sendError(ex, 404, modelNotFound(id));
  return deliverJson(ex, { "content-type": jsonType }, `${JSON.stringify(modelObject(model), null, 2)}\n`);
}
