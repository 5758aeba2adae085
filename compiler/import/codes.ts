/**
 * Diagnostic codes of `rpnc import` (RPN17xx, part of the front end): reading a tinybig model
 * configuration (YAML or JSON) and mapping it to the DSL. Every message names the path inside the
 * config (`configurations.model_configs.model_parameters.layer_configs[0]…`) and the span points at
 * that node of the file.
 */
export const IMPORT_CODES = {
  RPN1701: 'the config file cannot be read (missing, a directory, or unreadable)',
  RPN1702: 'syntax error in a config file (malformed YAML or JSON), or a config nested more than 100 levels deep or whose aliases expand too much',
  RPN1703: 'the config has no model configuration (`model_configs` with `model_class`, or a bare layer/head config)',
  RPN1704: 'a class in the config that rpnc does not support (`model_class`, `layer_class`, `head_class`, `function_class`, or a function name)',
  RPN1705: 'a required key is missing in the config (a `*_class` key, or a parameter without default such as m, n)',
  RPN1706: 'a bad parameter in the config: wrong type or value, unknown to the class, or inconsistent counts (depth/width allocations)',
} as const;

export type ImportCode = keyof typeof IMPORT_CODES;
