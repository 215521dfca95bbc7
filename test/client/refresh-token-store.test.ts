import { localStorageRefreshTokenStore, memoryRefreshTokenStore } from "../../src/client/refresh-token-store";

function fakeStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe("refresh-token stores (body mode)", () => {
  it("memory: per tab, not shared", () => {
    const store = memoryRefreshTokenStore();
    expect(store.shared).toBe(false);
    expect(store.load()).toBeNull();
    store.save("r1");
    expect(store.load()).toBe("r1");
    store.clear();
    expect(store.load()).toBeNull();
    expect(memoryRefreshTokenStore().load()).toBeNull();
  });

  it("localStorage: shared by every tab, under its key", () => {
    const storage = fakeStorage();
    const store = localStorageRefreshTokenStore("k", storage);
    expect(store.shared).toBe(true);
    store.save("r1");
    expect(storage.items.get("k")).toBe("r1");
    expect(localStorageRefreshTokenStore("k", storage).load()).toBe("r1");
    store.clear();
    expect(storage.items.has("k")).toBe(false);
  });

  it("localStorage where there is none says what to use instead", () => {
    expect(() => localStorageRefreshTokenStore()).toThrow(/memoryRefreshTokenStore\(\) or cookie mode/);
  });
});
