import type { Comment } from '@kiln/dockerfile-syntax';

/**
 * BuildKit's `getComment` (P-14): the first comment line above an
 * instruction that starts with `name` and a space gives the description,
 * the rest of that line. Empty when `name` is empty or no line matches.
 */
export function docComment(comments: readonly Comment[], name: string): string {
  if (name === '') return '';
  const prefix = `${name} `;
  for (const comment of comments) {
    if (comment.text.startsWith(prefix)) return comment.text.slice(prefix.length);
  }
  return '';
}
