import { gql } from "./measure";

export const BENCH_PASSWORD = "quiet lantern 123";

/** Signs an account up and returns its first access token. */
export async function signup(url: string, email: string): Promise<string> {
  const data = await gql<{ signup: { accessToken: string } }>(url, `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, {
    i: { email, password: BENCH_PASSWORD },
  });
  return data.signup.accessToken;
}

/** A fresh session of an account made by `signup`: its access token. */
export async function login(url: string, email: string): Promise<string> {
  const data = await gql<{ login: { accessToken: string } }>(url, `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
    i: { email, password: BENCH_PASSWORD },
  });
  return data.login.accessToken;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
