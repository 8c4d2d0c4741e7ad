// Names of .each rows as Jest words them: $key only in template tables, %p through pretty-format.
test.each`
  a      | b
  ${'x'} | ${{ k: 1 }}
`('row $a $b', () => {});
test.each([['s', { k: 1 }, [1, 2], function f() {}]])('arr %s %s %s %s %p', () => {});
test.each([{ name: 'ann' }])('obj $name %#', () => {});
