export { authDirectiveTransformer } from "./auth-directive";
export { isRootType, policyOf } from "../authorization/policy";
export type { FieldPolicy } from "../authorization/policy";
