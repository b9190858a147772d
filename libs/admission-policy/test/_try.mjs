import { parse, plan, celEnv, run, isCelError, celFunc, celMethod, CelScalar, listType, mapType } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
console.log(Object.keys(CelScalar));
for (const e of ["'abc'.indexOf('b')", "'a,b'.split(',')", "['a','b'].join('-')", "'  x '.trim()", "'abc'.substring(1)", "'abc'.replace('b','x')", "'ABC'.lowerAscii()", "'abc'.charAt(1)", "'%s'.format(['x'])", "'abc'.reverse()", "strings.quote('a')", "[1,2].exists_one(x, x > 1)", "{'a':1}.exists(k, k == 'a')", "object.?x.orValue(1)", "[1,2].map(x, x > 1, x * 2)", "[3,1].sort()", "math.greatest(1,2)", "1u + 2u", "duration('1s') > duration('0s')", "timestamp('2020-01-01T00:00:00Z').getFullYear()", "'abc'.matches('[')", "size('abc')", "dyn(1) == 1.0", "[1, 2.0]"]) {
  const r = run(e, { object: {} }, { funcs: strings });
  console.log(e, '=>', isCelError(r) ? 'ERROR ' + r.message : r);
}
