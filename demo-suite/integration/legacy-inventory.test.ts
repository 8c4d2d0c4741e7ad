// The warehouse's legacy inventory store is ONE file at a fixed path, behind a lock (see
// app/legacy-inventory.ts). Unlike the API database it cannot be named per worker, so these tests
// cannot run on two workers at once: the second worker to open it gets InventoryLockedError.
//
// That is what `group` is for. Every test here carries `group: 'inventory-db'`, and with
// `--dist loadgroup` (this suite's default, see qa.config.ts) the scheduler sends the whole group
// to one worker, which runs the tests one after another while the other workers carry on with
// the rest of the suite (pytest-xdist's @pytest.mark.xdist_group). Try `qa -n 4 --dist load`:
// the tests can then land on several workers at once, and all but the first fail on the lock.
// Each test resets the stock before it starts, so the order they run in does not matter.
import { describe, expect, test as base } from 'qa-lanes';
import { LegacyInventory, type StockLevels } from '../app/legacy-inventory.js';

const SEED: StockLevels = { 'MUG-001': 40, 'TEE-002': 25, 'LAMP-006': 2 };

const test = base.extend<{ inventory: LegacyInventory }>({
  // File scope: open (and lock) the store once for all the tests of this file on this worker,
  // release it after the last one.
  inventory: [
    async ({ workerId }, use) => {
      const inventory = await LegacyInventory.open(workerId);
      await use(inventory);
      await inventory.close();
    },
    { scope: 'file' },
  ],
});

describe('legacy inventory store', { group: 'inventory-db', marks: ['regression'] }, () => {
  test('restocking adds to the quantity on hand', async ({ inventory }) => {
    await inventory.reset(SEED);

    expect(await inventory.restock('MUG-001', 10)).toBe(50);
    expect(await inventory.read()).toEqual({ ...SEED, 'MUG-001': 50 });
  });

  test('a reservation larger than the stock is refused and changes nothing', async ({ inventory }) => {
    await inventory.reset(SEED);

    await expect(inventory.reserve('LAMP-006', 3)).rejects.toThrow('cannot reserve 3 × LAMP-006: 2 on hand');
    expect(await inventory.read()).toEqual(SEED);
  });

  test('reserving the last unit leaves zero, not a negative count', async ({ inventory }) => {
    await inventory.reset(SEED);

    expect(await inventory.reserve('LAMP-006', 2)).toBe(0);
    await expect(inventory.reserve('LAMP-006', 1)).rejects.toThrow(RangeError);
  });

  test('the nightly ledger is applied in one write', async ({ inventory }) => {
    await inventory.reset(SEED);

    const levels = await inventory.applyLedger([
      { sku: 'MUG-001', delta: -4 },
      { sku: 'TEE-002', delta: +10 },
      { sku: 'CAP-003', delta: +12 },
    ]);

    expect(levels).toEqual({ 'MUG-001': 36, 'TEE-002': 35, 'LAMP-006': 2, 'CAP-003': 12 });
    expect(await inventory.read()).toEqual(levels);
  });
});
