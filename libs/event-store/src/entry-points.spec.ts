// The port is what most code needs (types, the token, positions): loading it must not load a
// database driver. Each test file has its own module registry, so what is loaded here is what
// these requires pull in.
const loadedDrivers = (): string[] =>
  Object.keys(require.cache).filter((path) =>
    /[\\/]node_modules[\\/](pg|@kurrent[\\/]kurrentdb-client)[\\/]/.test(path),
  );

describe('the event store entry points', () => {
  it('loads neither pg nor the KurrentDB client for the port, and each adapter only behind its own entry', () => {
    jest.requireActual('@ledger/event-store');
    expect(loadedDrivers()).toEqual([]);

    jest.requireActual('@ledger/event-store/postgres');
    expect(loadedDrivers().some((path) => /[\\/]node_modules[\\/]pg[\\/]/.test(path))).toBe(true);
    expect(loadedDrivers().some((path) => path.includes('kurrentdb-client'))).toBe(false);

    jest.requireActual('@ledger/event-store/kurrentdb');
    expect(loadedDrivers().some((path) => path.includes('kurrentdb-client'))).toBe(true);
  });
});
