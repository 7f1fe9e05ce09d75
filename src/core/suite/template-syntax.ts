/**
 * Template syntax, checked when a suite is loaded so that a typo fails before any request is sent. The
 * grammar is the runner's (`src/core/runner/template.ts`); the check is stricter in one place: a `{{`
 * without a closing `}}` is an error here, where rendering would keep it as literal text.
 */
import { closest } from '../runner/closest.ts';

export const DYNAMIC_VALUES = ['$uuid', '$timestamp', '$isoTimestamp', '$randomInt'] as const;

const SEGMENT = '[A-Za-z0-9_-]+';
const EXPRESSION = new RegExp(`^(?:\\$[A-Za-z]+|${SEGMENT}(?:\\.${SEGMENT})*)$`);
const NAMESPACES = ['secrets', 'env'];

export interface TemplateProblem {
  /** Offset of the offending `{{` in the string. */
  offset: number;
  message: string;
  suggestion?: string;
}

/** Every syntax problem of the templates in `text`; empty when they are all well formed. */
export function checkTemplate(text: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('{{', position);
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) {
      problems.push({
        offset: open,
        message: `unclosed template ${quote(text.slice(open, open + 30))}: add the closing "}}"`,
      });
      break;
    }
    const problem = checkExpression(text.slice(open + 2, close).trim(), text.slice(open, close + 2));
    if (problem !== undefined) problems.push({ offset: open, ...problem });
    position = close + 2;
  }
  return problems;
}

function checkExpression(expression: string, written: string): Omit<TemplateProblem, 'offset'> | undefined {
  if (expression === '')
    return { message: `empty template ${quote(written)}: put a variable name between the braces` };
  if (!EXPRESSION.test(expression)) {
    return {
      message:
        `invalid template ${quote(written)}: expected a variable name (like baseUrl or user.id), ` +
        `secrets.NAME, env.NAME, or one of ${DYNAMIC_VALUES.join(', ')}`,
    };
  }
  if (expression.startsWith('$')) {
    if ((DYNAMIC_VALUES as readonly string[]).includes(expression)) return undefined;
    const suggestion = closest(expression, DYNAMIC_VALUES);
    return {
      message: `unknown dynamic value ${expression}; available: ${DYNAMIC_VALUES.join(', ')}`,
      ...(suggestion === undefined ? {} : { suggestion }),
    };
  }
  if (NAMESPACES.includes(expression)) {
    return { message: `${quote(written)} needs a name: write {{ ${expression}.NAME }}` };
  }
  return undefined;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
