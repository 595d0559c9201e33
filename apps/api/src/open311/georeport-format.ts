import type { FastifyReply } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';

export type Format = 'json' | 'xml';

/** The formats GeoReport v2 names (XML is the required one), as a route's `.{format}` gives them. */
export const FORMATS: Record<Format, string> = { json: 'application/json', xml: 'text/xml' };

export const isFormat = (f: unknown): f is Format => f === 'json' || f === 'xml';

/**
 * How a GeoReport answer is wrapped in XML: the root element and, for a list, each item's
 * element (`<services><service>…`); JSON is the bare array or object, as the specification shows it.
 */
export interface XmlShape {
  root: string;
  item?: string;
}

/** fast-xml-parser escapes &, <, >, ' and " in text; nulls are empty elements. */
const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true, format: false });

/** Children of an element in XML form: arrays of scalars under a named element, nested objects as elements. */
function xmlValue(value: unknown, arrayItem: Record<string, string>, key?: string): unknown {
  if (Array.isArray(value)) {
    const name = (key && arrayItem[key]) ?? 'item';
    return { [name]: value.map((v) => xmlValue(v, arrayItem)) };
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlValue(v, arrayItem, k)]));
  }
  return value === null || value === undefined ? '' : value;
}

/** Element names of the items of nested lists, as the specification spells them. */
const ARRAY_ITEMS: Record<string, string> = {
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

export function toXml(body: unknown, shape: XmlShape): string {
  const content = shape.item
    ? { [shape.item]: (body as unknown[]).map((v) => xmlValue(v, ARRAY_ITEMS)) }
    : xmlValue(body, ARRAY_ITEMS);
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [shape.root]: content });
}

/** Sends a GeoReport answer in the asked format (UTF-8, as the specification requires). */
export function sendGeoReport(
  reply: FastifyReply,
  format: Format,
  status: number,
  body: unknown,
  shape: XmlShape,
): void {
  reply.status(status).header('Cache-Control', 'no-store');
  if (format === 'xml') reply.type('text/xml; charset=utf-8').send(toXml(body, shape));
  else reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}
