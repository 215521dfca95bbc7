export { authDirectiveTransformer } from "./auth-directive";
export { isRootType, policyOf } from "./policy";
export type { FieldPolicy } from "./policy";
