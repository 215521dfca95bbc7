/**
 * graphql-js reports an invalid variable by printing the value it received, e.g.
 * `Variable "$i" got invalid value { password: "hunter2" }; Field "email" … was not provided.`
 * That would echo passwords back (and into any client-side error logging), so the message is
 * rebuilt from the parts that carry no value: the variable, the path and the missing field.
 */
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value/;
const PATH = / at "([\w.[\]]+)";/;
const MISSING_FIELD = /Field "(\w+)" of required type "([\w![\]]+)" was not provided\.$/;
const UNKNOWN_FIELD = /Field "(\w+)" is not defined by type "(\w+)"\./;

export function sanitizeVariableError(message: string): { message: string; field: string } | null {
  const variable = VARIABLE_ERROR.exec(message)?.[1];
  if (!variable) return null;
  const missing = MISSING_FIELD.exec(message);
  if (missing) {
    return { message: `Variable "$${variable}" is missing required field "${missing[1]}" of type "${missing[2]}".`, field: missing[1]! };
  }
  const unknown = UNKNOWN_FIELD.exec(message);
  if (unknown) return { message: `Variable "$${variable}" has unknown field "${unknown[1]}".`, field: unknown[1]! };
  const path = PATH.exec(message)?.[1];
  if (path) {
    const field = path.split(".").slice(1).join(".") || variable;
    return { message: `Variable "$${variable}" has an invalid value at "${path}".`, field };
  }
  return { message: `Variable "$${variable}" has an invalid value for its type.`, field: variable };
}
