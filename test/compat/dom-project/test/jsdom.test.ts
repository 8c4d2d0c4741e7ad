import { expect, test } from 'vitest';

test('renders a node and dispatches an event in the configured jsdom', () => {
  const button = document.createElement('button');
  button.textContent = 'go';
  document.body.append(button);
  let clicks = 0;
  button.addEventListener('click', () => clicks++);
  button.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  button.click();
  expect(clicks).toBe(2);
  expect(document.querySelector('button')?.textContent).toBe('go');
  expect(window).toBe(globalThis);
  expect(location.href).toBe('http://example.test/app/');
  expect(navigator.userAgent).toMatch(/jsdom/);
});

test('localStorage and window events', () => {
  localStorage.setItem('k', 'v');
  expect(localStorage.getItem('k')).toBe('v');
  let seen = '';
  window.addEventListener('custom', (e) => (seen = (e as CustomEvent<string>).detail));
  window.dispatchEvent(new CustomEvent('custom', { detail: 'hi' }));
  expect(seen).toBe('hi');
});
