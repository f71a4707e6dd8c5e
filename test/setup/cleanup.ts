// Runs in every test file (setupFilesAfterEnv): the folders the file made with workDir() go when it ends.
import { afterAll } from '@jest/globals';
import { removeWorkDirs } from '../helpers/workdir.js';

afterAll(removeWorkDirs);
