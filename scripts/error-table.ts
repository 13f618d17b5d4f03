import { errorTable } from '../lib/error-table';

// npm run errors:table — prints the README's error table from lib/error-catalogue.ts
// (test/unit/errors.test.ts fails while the README's differs).
process.stdout.write(`${errorTable()}\n`);
