/**
 * Bad configs: every problem is one diagnostic with a stable code, a message naming the path inside the
 * config, and the line:col of that node in the file; no source is produced.
 */
import { describe, expect, it } from 'vitest';
import { importConfig } from '../../compiler/import/index.js';
import { ALL_CODES } from '../../compiler/codes.js';

/** A small experiment config in the published configs' layout; `edit` changes one line. */
const BASE = `configurations:
  device: &device mps
  data_configs:
    data_class: tinybig.data.iris
  model_configs:
    model_class: tinybig.model.rpn
    model_parameters:
      device: *device
      name: small
      depth: 2
      depth_alloc: [1, 1]
      layer_configs:
        - layer_class: tinybig.module.rpn_layer
          layer_parameters:
            m: 3
            n: 2
            head_configs:
              - head_class: tinybig.module.rpn_head
                head_parameters:
                  data_transformation_configs:
                    function_class: tinybig.expansion.taylor_expansion
                    function_parameters:
                      d: 2
                  parameter_fabrication_configs:
                    function_class: tinybig.reconciliation.lorr_reconciliation
                    function_parameters:
                      r: 1
                  remainder_configs:
                    function_class: tinybig.remainder.zero_remainder
        - layer_class: tinybig.module.rpn_layer
          layer_parameters:
            m: 2
            n: 1
            head_configs:
              head_class: tinybig.module.rpn_head
              head_parameters:
                data_transformation_configs:
                  function_class: tinybig.expansion.identity_expansion
                output_process_function_configs:
                  - function_class: torch.nn.Sigmoid
  learner_configs:
    learner_class: tinybig.learner.backward_learner
`;
const L0 = 'configurations.model_configs.model_parameters.layer_configs[0].layer_parameters';
const H0 = `${L0}.head_configs[0].head_parameters`;

function run(text: string, format: 'yaml' | 'json' = 'yaml') {
  return importConfig(text, { format, fileName: 'cfg.yaml' });
}
/** 1-based line and column of the first occurrence of `needle` in `text` (at its `at`-th char). */
function pos(text: string, needle: string, at = 0) {
  const off = text.indexOf(needle);
  expect(off, `'${needle}' in the config`).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, off + at);
  return { line: before.split('\n').length, col: off + at - before.lastIndexOf('\n') };
}
function only(text: string, format: 'yaml' | 'json' = 'yaml') {
  const res = run(text, format);
  expect(res.source).toBe('');
  expect(res.diagnostics).toHaveLength(1);
  return res.diagnostics[0];
}

describe('import diagnostics', () => {
  it('the base config imports (device, data and learner configs are ignored)', () => {
    const res = run(BASE);
    expect(res.diagnostics).toEqual([]);
    expect(res.source).toContain("taylorExpansion({ d: 2 })");
    expect(res.source).toContain('outputProcessFunctions: [sigmoid()]');
    const code = res.source.split('\n').filter((l) => !l.startsWith('//')).join('\n');
    expect(code).not.toMatch(/device|mps|iris|learner/);
  });

  it('every code is registered', () => {
    for (const c of ['RPN1701', 'RPN1702', 'RPN1703', 'RPN1704', 'RPN1705', 'RPN1706']) expect(ALL_CODES[c]).toBeTruthy();
  });

  it('unsupported function_class: path and location of the class', () => {
    const text = BASE.replace('tinybig.expansion.taylor_expansion', 'tinybig.expansion.taylour_expansion');
    const d = only(text);
    expect(d.code).toBe('RPN1704');
    expect(d.message).toBe(`unsupported class 'tinybig.expansion.taylour_expansion' at ${H0}.data_transformation_configs.function_class: rpnc has no component for it`);
    expect(d.span).toMatchObject({ file: 'cfg.yaml', ...pos(text, 'tinybig.expansion.taylour_expansion') });
    expect(d.hint).toContain("did you mean 'tinybig.expansion.taylor_expansion'?");
  });

  it('unsupported model_class and torch class', () => {
    let d = only(BASE.replace('tinybig.model.rpn', 'tinybig.model.rpn_transformer'));
    expect(d.code).toBe('RPN1704');
    expect(d.message).toContain('configurations.model_configs.model_class');
    const text = BASE.replace('torch.nn.Sigmoid', 'torch.nn.Hardswish');
    d = only(text);
    expect(d.code).toBe('RPN1704');
    expect(d.message).toContain("'torch.nn.Hardswish' at configurations.model_configs.model_parameters.layer_configs[1].layer_parameters.head_configs.head_parameters.output_process_function_configs[0].function_class");
    expect(d.span).toMatchObject(pos(text, 'torch.nn.Hardswish'));
  });

  it('every unsupported class is reported, not only the first', () => {
    const res = run(BASE.replace('tinybig.expansion.taylor_expansion', 'tinybig.expansion.x_expansion').replace('torch.nn.Sigmoid', 'torch.nn.Mish'));
    expect(res.diagnostics.map((d) => d.code)).toEqual(['RPN1704', 'RPN1704']);
    expect(res.source).toBe('');
  });

  it('wrong parameter type: names the parameter, the expected type and its location', () => {
    const text = BASE.replace('d: 2', 'd: two');
    const d = only(text);
    expect(d.code).toBe('RPN1706');
    expect(d.message).toBe(`bad parameter 'd' of tinybig.expansion.taylor_expansion at ${H0}.data_transformation_configs.function_parameters.d: must be a positive integer, got 'two'`);
    expect(d.span).toMatchObject(pos(text, 'two'));
  });

  it('a component of the wrong family in a slot points at its class', () => {
    const text = BASE.replace('tinybig.expansion.identity_expansion', 'tinybig.reconciliation.identity_reconciliation');
    const d = only(text);
    expect(d.code).toBe('RPN1706');
    expect(d.message).toContain("bad parameter 'data_transformation_configs' of tinybig.module.rpn_head at configurations.model_configs.model_parameters.layer_configs[1].layer_parameters.head_configs.head_parameters.data_transformation_configs: must be a expansion component");
    expect(d.span).toMatchObject(pos(text, 'tinybig.reconciliation.identity_reconciliation'));
  });

  it('unknown parameter: named, with what rpnc knows', () => {
    const text = BASE.replace('r: 1', 'rank: 1');
    const d = only(text);
    expect(d.code).toBe('RPN1706');
    expect(d.message).toBe(`unknown parameter 'rank' of tinybig.reconciliation.lorr_reconciliation at ${H0}.parameter_fabrication_configs.function_parameters.rank`);
    expect(d.hint).toContain('enable_bias');
    expect(d.span).toMatchObject(pos(text, 'rank: 1', 'rank: '.length));
  });

  it("a base-class parameter is dropped only at its no-effect value (zero_remainder's require_parameters)", () => {
    const withParam = (v: string) => BASE.replace('function_class: tinybig.remainder.zero_remainder', `function_class: tinybig.remainder.zero_remainder\n                    function_parameters: {require_parameters: ${v}}`);
    expect(run(withParam('False')).diagnostics).toEqual([]);
    const d = only(withParam('True'));
    expect(d.code).toBe('RPN1706');
    expect(d.message).toContain(`unknown parameter 'require_parameters' of tinybig.remainder.zero_remainder at ${H0}.remainder_configs.function_parameters.require_parameters`);
  });

  it('missing class key: RPN1705 at the config that lacks it', () => {
    const text = BASE.replace('                    function_class: tinybig.reconciliation.lorr_reconciliation\n', '');
    const d = only(text);
    expect(d.code).toBe('RPN1705');
    expect(d.message).toBe(`missing 'function_class' in ${H0}.parameter_fabrication_configs`);
    expect(d.span).toMatchObject(pos(text, 'function_parameters:\n                      r: 1'));
  });

  it('missing required parameter: RPN1705 names it and the parameters it belongs to', () => {
    const text = BASE.replace('            m: 3\n', '');
    const d = only(text);
    expect(d.code).toBe('RPN1705');
    expect(d.message).toBe(`missing required parameter 'm' of tinybig.module.rpn_layer in ${L0}`);
    expect(d.span).toMatchObject(pos(text, 'n: 2'));
  });

  it('a model without layer_configs: RPN1705 names the config key, not the DSL option', () => {
    const d = only('model_configs:\n  model_class: tinybig.model.rpn\n  model_parameters: {name: x}\n');
    expect(d.code).toBe('RPN1705');
    expect(d.message).toBe("missing required parameter 'layer_configs' of tinybig.model.rpn in model_configs.model_parameters");
    expect(d.span).toMatchObject({ line: 3, col: 21 });
  });

  it('depth that does not match the layer configs', () => {
    const text = BASE.replace('      depth_alloc: [1, 1]\n', '').replace('depth: 2', 'depth: 3');
    const d = only(text);
    expect(d.code).toBe('RPN1706');
    expect(d.message).toContain('configurations.model_configs.model_parameters.depth is 3 but');
    expect(d.span).toMatchObject(pos(text, '3\n'));
    const d2 = only(BASE.replace('depth_alloc: [1, 1]', 'depth_alloc: [2, 1]'));
    expect(d2.message).toContain('depth_alloc [2, 1] does not match 2 layer_configs entries and depth 2');
  });

  it('a function name tinybig runs in training mode is not imported', () => {
    const text = BASE.replace('                output_process_function_configs:\n                  - function_class: torch.nn.Sigmoid\n', '                output_process_functions: torch.nn.functional.dropout\n');
    const d = only(text);
    expect(d.code).toBe('RPN1704');
    expect(d.message).toContain("unsupported function 'torch.nn.functional.dropout' at configurations.model_configs.model_parameters.layer_configs[1].layer_parameters.head_configs.head_parameters.output_process_functions");
    expect(d.span).toMatchObject(pos(text, 'torch.nn.functional.dropout'));
  });

  it('malformed YAML: RPN1702 at the offending line', () => {
    const text = BASE.replace('            n: 2\n', '           n: 2\n');
    const d = only(text);
    expect(d.code).toBe('RPN1702');
    expect(d.message).toMatch(/^malformed YAML in 'cfg.yaml': /);
    expect(d.span?.line).toBe(pos(text, '           n: 2').line);
  });

  it('malformed JSON: RPN1702 with a location', () => {
    const text = '{\n  "model_configs": {\n    "model_class": "tinybig.model.rpn",\n    "model_parameters": { "layer_configs": [ }\n  }\n}\n';
    const d = only(text, 'json');
    expect(d.code).toBe('RPN1702');
    expect(d.message).toMatch(/^malformed JSON in 'cfg.yaml': /);
    expect(d.span).toMatchObject({ line: 4 });
  });

  it('no model configuration: RPN1703', () => {
    expect(only('configurations:\n  data_configs: {}\n').code).toBe('RPN1703');
    expect(only('').code).toBe('RPN1703');
  });

  it('duplicate keys: the last wins (as PyYAML), with a located warning; merge keys work', () => {
    const text = BASE.replace('            n: 2\n', '            n: 5\n            n: 2\n').replace('  data_configs:', '  shared: &taylor3\n    function_class: tinybig.expansion.taylor_expansion\n    function_parameters: {d: 3}\n  data_configs:')
      .replace('                  data_transformation_configs:\n                    function_class: tinybig.expansion.taylor_expansion\n                    function_parameters:\n                      d: 2\n', '                  data_transformation_configs: {<<: *taylor3}\n');
    const res = run(text);
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0]).toMatchObject({ code: 'RPN1702', severity: 'warning', message: "duplicate key 'n' in 'cfg.yaml': the last value is used (as PyYAML does)" });
    expect(res.diagnostics[0].span).toMatchObject(pos(text, 'n: 2'));
    expect(res.source).toContain('m: 3,\n      n: 2,');
    expect(res.source).toContain('taylorExpansion({ d: 3 })');
  });

  it('a bare layer config imports as a layer', () => {
    const res = run('layer_class: tinybig.module.rpn_layer\nlayer_parameters:\n  m: 2\n  n: 2\n  width: 2\n  head_configs:\n    head_class: tinybig.module.rpn_head\n    head_parameters:\n      data_transformation_configs: {function_class: tinybig.expansion.identity_expansion}\n');
    expect(res.diagnostics).toEqual([]);
    // width 2 with one head config: tinybig repeats it (two heads with their own weights)
    expect(res.source).toContain('const head0 = head({ m: 2, n: 2, dataTransformation: identityExpansion() });');
    expect(res.source).toMatch(/export default layer\(\{ m: 2, n: 2, heads: \[head0, head0\] \}\);/);
  });
});
