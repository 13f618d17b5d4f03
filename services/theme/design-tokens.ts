import { ERROR_CATALOGUE } from '../../lib/error-catalogue';
import { AppError, fail } from '../../lib/errors';

/**
 * The theme's design tokens (the design_system columns of the seed): what
 * each may hold, how it becomes a CSS custom property, and the contrast
 * report. Every rule here is strict enough that a stored value cannot break
 * out of its declaration in /theme.css: colours are #rrggbb, numbers are
 * integers in range, font families and paddings come from a small alphabet,
 * and image URLs are https:// or this store's own asset paths, with no
 * quotes, parentheses, backslashes or spaces.
 */

type Kind =
  | { kind: 'color' }
  | { kind: 'int'; min: number; max: number; unit: 'px' }
  | { kind: 'weight' }
  | { kind: 'font' }
  | { kind: 'padding' }
  | { kind: 'image' };

export const TOKENS = {
  colorPrimary: { kind: 'color' },
  colorSecondary: { kind: 'color' },
  colorAccentTeal: { kind: 'color' },
  colorAccentGreen: { kind: 'color' },
  colorAccentRed: { kind: 'color' },
  colorTextPrimary: { kind: 'color' },
  colorBackground: { kind: 'color' },
  backgroundImageUrl: { kind: 'image' },
  logoUrl: { kind: 'image' },
  heroImageUrl: { kind: 'image' },
  fontFamilyBase: { kind: 'font' },
  fontSizeBase: { kind: 'int', min: 10, max: 32, unit: 'px' },
  fontWeightNormal: { kind: 'weight' },
  fontWeightBold: { kind: 'weight' },
  spacingUnit: { kind: 'int', min: 0, max: 64, unit: 'px' },
  borderRadius: { kind: 'int', min: 0, max: 64, unit: 'px' },
  buttonBackgroundColor: { kind: 'color' },
  buttonTextColor: { kind: 'color' },
  buttonBorderRadius: { kind: 'int', min: 0, max: 64, unit: 'px' },
  buttonPadding: { kind: 'padding' },
  playerBackgroundImageUrl: { kind: 'image' },
  playerButtonColor: { kind: 'color' },
  playerButtonSize: { kind: 'int', min: 24, max: 128, unit: 'px' },
} as const satisfies Record<string, Kind>;

export type TokenName = keyof typeof TOKENS;
export const TOKEN_NAMES = Object.keys(TOKENS) as TokenName[];

/** A full token set as stored: images may be null (none), everything else is set. */
export type Tokens = {
  [K in TokenName]: (typeof TOKENS)[K]['kind'] extends 'int' | 'weight'
    ? number
    : (typeof TOKENS)[K]['kind'] extends 'image'
      ? string | null
      : string;
};

/** snake_case column of a token, e.g. colorPrimary → color_primary. */
export const columnOf = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** CSS custom property of a token, e.g. colorPrimary → --color-primary. */
export const cssVarOf = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const COLOR = /^#[0-9a-fA-F]{6}$/;
const FONT = /^[A-Za-z0-9 ,-]{1,100}$/;
const LENGTH = '(?:0|\\d{1,3}(?:\\.\\d{1,3})?(?:px|rem|em))';
const PADDING = new RegExp(`^${LENGTH}(?: ${LENGTH}){0,3}$`);
/** https:// URLs without characters that could end a CSS url("…") or start a new token. */
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%!$&*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!$&*+,;=:@/?-]*)?$/;
/** Images uploaded through the theme assets route. */
export const OWN_ASSET = /^\/assets\/theme\/[a-f0-9]{32}\.(?:png|jpg|webp)$/;

/** Whether an https image URL points at one of the hosts the store's CSP allows. */
const onAllowedHost = (url: string, hosts: readonly string[]) => hosts.includes(new URL(url).origin);

const isToken = (name: string): name is TokenName => Object.hasOwn(TOKENS, name);

/** Why a value is not acceptable for a token, or undefined when it is. */
function problem(name: TokenName, value: unknown, imageHosts: readonly string[]): string | undefined {
  const spec: Kind = TOKENS[name];
  switch (spec.kind) {
    case 'color':
      return typeof value === 'string' && COLOR.test(value) ? undefined : 'must be a colour like #1a2b3c';
    case 'int':
      return Number.isInteger(value) && (value as number) >= spec.min && (value as number) <= spec.max
        ? undefined
        : `must be a whole number of pixels from ${spec.min} to ${spec.max}`;
    case 'weight':
      return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 900 && (value as number) % 100 === 0
        ? undefined
        : 'must be 100, 200, … or 900';
    case 'font':
      return typeof value === 'string' && FONT.test(value.trim()) && value.trim() === value
        ? undefined
        : 'may hold only letters, digits, spaces, commas and hyphens (at most 100)';
    case 'padding':
      return typeof value === 'string' && value.length <= 20 && PADDING.test(value)
        ? undefined
        : 'must be one to four lengths in px, rem or em, e.g. "0.5rem 1rem"';
    case 'image':
      if (value === null || (typeof value === 'string' && value.length <= 500 && OWN_ASSET.test(value))) return undefined;
      if (typeof value === 'string' && value.length <= 500 && HTTPS_URL.test(value)) {
        // Any other host would be blocked by the store's own Content-Security-Policy (img-src).
        return onAllowedHost(value, imageHosts)
          ? undefined
          : `must be an uploaded theme asset or on an image host in THEME_IMAGE_HOSTS (${imageHosts.join(', ') || 'none configured'})`;
      }
      return 'must be an uploaded theme asset path, an https:// URL on an allowed image host, or null';
  }
}

/**
 * Checks a full or partial token set. Colours are stored lower-case.
 * @throws AppError 400 whose code names the first bad field
 *   (`invalid_color_primary`), with every problem in details.
 */
export function validateTokens(input: unknown, imageHosts: readonly string[] = []): Partial<Tokens> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw fail('invalid_tokens');
  }
  const problems: { field: string; message: string }[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    // Own properties only: `constructor`, `toString` and `__proto__` are "in" every object.
    if (!isToken(name)) {
      problems.push({ field: name, message: 'is not a design token' });
      continue;
    }
    const why = problem(name, value, imageHosts);
    if (why) problems.push({ field: name, message: why });
    else out[name] = TOKENS[name].kind === 'color' ? (value as string).toLowerCase() : value;
  }
  const first = problems[0];
  if (first) {
    const message = `${first.field} ${first.message}.`;
    if (!isToken(first.field)) throw fail('unknown_token', { message, details: { issues: problems } });
    // The code names the token's column, as the API promises (invalid_color_primary, …).
    throw new AppError(
      `invalid_${columnOf(first.field)}`,
      message,
      { issues: problems },
      undefined,
      ERROR_CATALOGUE.invalid_token_value.status,
    );
  }
  return out as Partial<Tokens>;
}

function cssValue(name: TokenName, value: string | number | null): string {
  const spec: Kind = TOKENS[name];
  if (value === null) return 'none';
  if (spec.kind === 'int') return `${value}px`;
  if (spec.kind === 'image') return `url("${value}")`;
  return String(value);
}

/** The tokens as custom properties on :root. Deterministic: same tokens, same bytes. */
export function renderThemeCss(tokens: Tokens): string {
  const lines = TOKEN_NAMES.map((name) => `  ${cssVarOf(name)}: ${cssValue(name, tokens[name])};`);
  return `/* Song-Nexus theme: generated from the active design tokens */\n:root {\n${lines.join('\n')}\n}\n`;
}

/** WCAG 2.x relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two colours, 1 to 21, rounded to two decimals. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}

export interface ContrastCheck {
  foreground: string;
  background: string;
  ratio: number;
  /** WCAG AA for body text: at least 4.5:1. */
  passesAA: boolean;
}

/** The pairs an editor must keep legible. */
export function contrastReport(tokens: Tokens): { text: ContrastCheck; button: ContrastCheck } {
  const check = (foreground: string, background: string): ContrastCheck => {
    const ratio = contrastRatio(foreground, background);
    return { foreground, background, ratio, passesAA: ratio >= 4.5 };
  };
  return {
    text: check(tokens.colorTextPrimary, tokens.colorBackground),
    button: check(tokens.buttonTextColor, tokens.buttonBackgroundColor),
  };
}
