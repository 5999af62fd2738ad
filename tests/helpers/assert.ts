/** Assertions for tests: node:assert/strict, with the names Deno developers know. */
import assertStrict from "node:assert/strict";

export function assert(value: unknown, message?: string): asserts value {
  assertStrict.ok(value, message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string) {
  assertStrict.deepStrictEqual(actual, expected, message);
}

export function assertNotEquals<T>(actual: T, expected: T, message?: string) {
  assertStrict.notDeepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, re: RegExp, message?: string) {
  assertStrict.match(actual, re, message);
}

export function assertStringIncludes(actual: string, expected: string, message?: string) {
  if (!actual.includes(expected)) {
    throw new assertStrict.AssertionError({
      message: message ??
        `expected the text to include ${JSON.stringify(expected)}\n--- text ---\n${
          actual.slice(0, 2000)
        }`,
      actual,
      expected,
      operator: "includes",
    });
  }
}

export async function assertRejects(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  errorClass?: new (...args: any[]) => Error,
  includes?: string,
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) {
    throw new assertStrict.AssertionError({ message: "expected a rejection" });
  }
  if (errorClass && !(caught instanceof errorClass)) {
    throw new assertStrict.AssertionError({
      message: `expected ${errorClass.name}, got ${caught}`,
    });
  }
  if (includes && !String((caught as Error).message).includes(includes)) {
    throw new assertStrict.AssertionError({
      message: `expected the error to include ${JSON.stringify(includes)}, got: ${
        (caught as Error).message
      }`,
    });
  }
  return caught as Error;
}
