import type { Result } from '../model.ts';

/** Validators a server sent with a feed, sent back so an unchanged feed costs a 304 and no body. */
export type Validators = { etag?: string | undefined; lastModified?: string | undefined };

export type FetchRequest = {
  url: string;
  /**
   * `feed` sends the validators as If-None-Match / If-Modified-Since; `page` is an article page and
   * is fetched only when robots.txt allows it (feeds are published to be polled, pages are crawled).
   */
  purpose: 'feed' | 'page';
  validators?: Validators | undefined;
};

export type Fetched =
  | { status: 200; url: string; finalUrl: string; text: string; contentType: string | undefined; charset: string; bytes: number; validators: Validators }
  | { status: 304; url: string; finalUrl: string; validators: Validators };

export type FetchFailureCode =
  | 'bad-url' | 'refused-address' | 'robots-disallowed' | 'timeout' | 'too-large' | 'too-many-redirects' | 'http-status' | 'network';

export type FetchFailure = {
  code: FetchFailureCode;
  url: string;
  /** What exactly happened: the refused address, the status, the limit. */
  detail: string;
  status?: number;
  /** From Retry-After on 429/503, in milliseconds. */
  retryAfterMs?: number;
};

/** The port ingest fetches through; http-fetcher.ts is the adapter. */
export interface Fetcher {
  fetch(request: FetchRequest): Promise<Result<Fetched, FetchFailure>>;
  close(): Promise<void>;
}

/** One line for logs and /sources. */
export function explainFetchFailure(failure: FetchFailure): string {
  switch (failure.code) {
    case 'bad-url': return `not a fetchable address: ${failure.detail}`;
    case 'refused-address': return `refused: ${failure.detail}`;
    case 'robots-disallowed': return `robots.txt disallows ${failure.detail}`;
    case 'timeout': return `timed out: ${failure.detail}`;
    case 'too-large': return `response too large: ${failure.detail}`;
    case 'too-many-redirects': return `too many redirects: ${failure.detail}`;
    case 'http-status': return `HTTP ${failure.status ?? '?'}: ${failure.detail}`;
    case 'network': return `network error: ${failure.detail}`;
  }
}
