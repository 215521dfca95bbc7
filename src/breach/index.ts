export { HibpBreachCheck } from "./hibp";
export type { HibpOptions } from "./hibp";
