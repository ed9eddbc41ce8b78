import { test } from 'node:test';
import assert from 'node:assert/strict';
import { texToMathML } from '../../src/explain/mathml.js';

const body = (tex: string, display = false): string => {
  const m = /<semantics><mrow>(.*)<\/mrow><annotation/.exec(texToMathML(tex, { display }));
  assert.ok(m, `converted ${tex}`);
  return m[1]!;
};

test('texToMathML: scripts, fractions, Greek letters, operators and text', () => {
  assert.equal(body('a^{(1)}_k'), '<msubsup><mi>a</mi><mrow><mi>k</mi></mrow><mrow><mo stretchy="false">(</mo><mn>1</mn><mo stretchy="false">)</mo></mrow></msubsup>');
  assert.equal(body('\\frac{\\partial J}{\\partial W}'), '<mfrac><mrow><mi>∂</mi><mi>J</mi></mrow><mrow><mi>∂</mi><mi>W</mi></mrow></mfrac>');
  assert.equal(body('\\delta \\odot 1.25 - x'), '<mi>δ</mi><mo>⊙</mo><mn>1.25</mn><mo>−</mo><mi>x</mi>');
  assert.equal(body('\\text{every } W'), '<mtext>every </mtext><mi>W</mi>');
  assert.equal(body('a < b'), '<mi>a</mi><mo>&lt;</mo><mi>b</mi>');
  assert.match(body('\\tfrac{1}{2}'), /^<mstyle displaystyle="false"><mfrac>/);
  // a function name gets a thin space before its argument but not before a bracket
  assert.equal(body('\\tanh^2 c'), '<msup><mi mathvariant="normal">tanh</mi><mrow><mn>2</mn></mrow></msup><mspace width="0.1667em"></mspace><mi>c</mi>');
  assert.equal(body('\\ln(x)'), '<mi mathvariant="normal">ln</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo>');
});

test('texToMathML: sums take limits below and above in display style only', () => {
  assert.match(body('\\sum_{k=1}^{N} y_k', true), /^<munderover><mo largeop="true" movablelimits="true">∑<\/mo><mrow><mi>k<\/mi><mo>=<\/mo><mn>1<\/mn><\/mrow><mrow><mi>N<\/mi><\/mrow><\/munderover>/);
  assert.match(body('\\sum_{k=1}^{N} y_k', false), /^<msubsup><mo largeop/);
});

test('texToMathML: fences, sized brackets, environments', () => {
  assert.equal(
    body('\\left.\\frac{a}{b}\\right|_{\\text{out}}'),
    '<msub><mrow><mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac><mo fence="true" form="postfix" stretchy="true" symmetric="true">|</mo></mrow><mrow><mtext>out</mtext></mrow></msub>',
  );
  assert.match(body('\\Big( x \\Big)'), /^<mo fence="true" stretchy="true" symmetric="true" minsize="1.8em" maxsize="1.8em">\(<\/mo><mi>x<\/mi>/);
  assert.match(body('\\lVert w \\rVert'), /^<mo>‖<\/mo><mi>w<\/mi><mo>‖<\/mo>$/);
  const m = body('\\begin{bmatrix} 1 & -2 \\\\ 3 & 4 \\end{bmatrix}');
  assert.equal(m.match(/<mtr>/g)?.length, 2);
  assert.equal(m.match(/<mtd /g)?.length, 4);
  assert.match(m, /^<mrow><mo fence="true" stretchy="true">\[<\/mo><mtable>/);
  const a = body('\\begin{aligned} z &= 1 \\\\[4pt] &= 2 \\end{aligned}');
  assert.match(a, /^<mtable displaystyle="true"><mtr><mtd style="text-align:right;[^"]*"><mi>z<\/mi><\/mtd><mtd style="text-align:left;/);
  assert.match(a, /padding-top:calc\(0.25em \+ 4pt\)/);
});

test('texToMathML: the LaTeX stays as an annotation; unknown input is an error naming it', () => {
  assert.match(texToMathML('x < y'), /<annotation encoding="application\/x-tex">x &lt; y<\/annotation>/);
  assert.match(texToMathML('x'), /^<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" displaystyle="true">/);
  assert.match(texToMathML('x', { block: true }), /^<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML" display="block">/);
  assert.match(texToMathML('x', { display: false }), /^<math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"><semantics>/);
  assert.throws(() => texToMathML('\\hat{x}'), /mathml: unsupported command \\hat in '\\hat\{x\}'/);
  assert.throws(() => texToMathML('{x'), /unclosed \{/);
  assert.throws(() => texToMathML('x}'), /unmatched \}/);
  assert.throws(() => texToMathML('\\left( x'), /\\left without \\right/);
  assert.throws(() => texToMathML('\\begin{cases} x \\end{cases}'), /unsupported environment cases/);
  assert.throws(() => texToMathML('\\begin{bmatrix} x \\end{aligned}'), /ended by \\end\{aligned\}/);
  assert.throws(() => texToMathML('x &'), /'&' out of place/);
});
