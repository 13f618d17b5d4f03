import type { RequestHandler } from 'express';

/** One call of PayPal's API as the stand-in received and answered it. */
export interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  response: unknown;
}

/** Keeps each call and the JSON answered to it (tests check both against PayPal's reference). */
export function recordInto(exchanges: Exchange[]): RequestHandler {
  return (req, res, next) => {
    const json = res.json.bind(res);
    res.json = (response: unknown) => {
      exchanges.push({ method: req.method, path: req.originalUrl, headers: req.headers, body: req.body, status: res.statusCode, response });
      return json(response);
    };
    next();
  };
}
