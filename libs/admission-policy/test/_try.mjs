import { parse, plan, celEnv, run, isCelError, celError } from '@bufbuild/cel';
console.log(run("variables.foo + 1", { 'variables.foo': 2n }));
console.log(run("variables.foo + 1", { 'variables.foo': celError('boom') }).message);
console.log(run("has(variables.foo)", { 'variables.foo': 2n, variables: {foo: 2n} }));
console.log(run("[1,2].all(variables, variables > 0)", { 'variables.foo': 2n }));
console.log(run("x == y", { x: {a: 1n}, y: new Map([['a', 1n]]) }));
console.log(run("type(x) == int", { x: 1n }));
