/**
 * @vitest-environment happy-dom
 */
import { expect, test } from 'vitest';

test('a docblock picks happy-dom for this file', () => {
  const div = document.createElement('div');
  div.innerHTML = '<span class="x">hello</span>';
  document.body.appendChild(div);
  let got = '';
  div.addEventListener('ping', (e) => (got = e.type));
  div.dispatchEvent(new Event('ping'));
  expect(got).toBe('ping');
  expect(document.querySelector('.x')?.textContent).toBe('hello');
  expect(navigator.userAgent).toMatch(/HappyDOM/);
});

test('each file has its own document', () => {
  expect(document.querySelectorAll('button')).toHaveLength(0);
});
