import { GraphError, topCodeFor } from '../graphError';

// Excel's refusals, in the shape "Error codes for Workbooks and charts APIs" gives them
// (https://learn.microsoft.com/graph/workbook-error-codes): the status's own code on top (`badRequest`, `notFound`,
// `conflict`) and the detailed code (`invalidArgument`, `itemNotFound`, `itemAlreadyExists`, …) in the first
// innerError. Responses seen in the wild carry PascalCase service codes on top (`ItemNotFound`); codes are
// case-insensitive and a client acts on the inner code first, so the page's shape serves both.

export function excelError(status: number, detail: string, message: string): GraphError {
  return new GraphError(status, topCodeFor(status), message, detail);
}

export function invalidArgument(message: string): GraphError {
  return excelError(400, 'invalidArgument', message);
}

export function itemNotFound(message: string): GraphError {
  return excelError(404, 'itemNotFound', message);
}

export function itemAlreadyExists(message: string): GraphError {
  return excelError(409, 'itemAlreadyExists', message);
}
