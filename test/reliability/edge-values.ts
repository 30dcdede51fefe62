/** Values that break naive code: wrong types, sizes, encodings, search syntax and URL syntax. */
export const EDGE_VALUES: [string, unknown][] = [
  ['missing', undefined],
  ['null', null],
  ['empty', ''],
  ['blank', '   '],
  ['a number', 12345],
  ['a boolean', true],
  ['a nested object', { nested: { deeper: 'x' } }],
  ['an array', ['a', 'b']],
  ['an empty array', []],
  ['a 100 KB string', 'x'.repeat(100_000)],
  ['emoji and RTL text', '👩🏽‍💻 مرحبا \u202Egnp.exe'],
  ['a NUL byte', 'a\u0000b'],
  ['search syntax (OR)', 'a@b.com" OR role:admin'],
  ['search syntax (wildcard)', '*@x.com'],
  ['search syntax (field)', 'email:x'],
  ['a path traversal', '1/../../users'],
  ['dot-dot', '..'],
  ['a query string', '1?role=admin'],
  ['a fragment', '1#me'],
  ['an encoded slash', '1%2F..%2Fusers']
]

export const EDGE_STRINGS = EDGE_VALUES.map(([, value]) => value).filter((v): v is string => typeof v === 'string')
