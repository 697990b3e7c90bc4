#!/usr/bin/env node
import { runBin } from './command';
import { signImageCommand } from './sign-image-command';

runBin('sign-image', signImageCommand);
