import { closeTestStorages } from './storage';

// Runs after every test file's own afterAll hooks (jest's setupFilesAfterEnv).
afterAll(closeTestStorages);
