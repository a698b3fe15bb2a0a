import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ROUTE_PREFIX } from '../shared/brokerUrls';

// The route prefix lives in shared/brokerUrls.ts; the Functions host and the connector each read it from a file of
// their own.
const hostJson = JSON.parse(readFileSync('host.json', 'utf8')) as { extensions?: { http?: { routePrefix?: string } } };
const connector = JSON.parse(readFileSync('connector/apiDefinition.swagger.json', 'utf8')) as { basePath?: string };

it("routes under the prefix host.json gives the Functions host, and the connector's basePath says the same", () => {
  expect(hostJson.extensions?.http?.routePrefix).toBe(ROUTE_PREFIX);
  expect(connector.basePath).toBe(`/${ROUTE_PREFIX}`);
});
