import { Fragment, h } from '~/h';

test('JSX compiles with the tsconfig jsxFactory', () => {
  const el = (
    <div id="x">
      <>hi</>
    </div>
  );
  expect(el).toEqual({ type: 'div', props: { id: 'x', children: { type: Fragment, props: { children: 'hi' } } } });
  expect(h).toBeTypeOf('function');
});
