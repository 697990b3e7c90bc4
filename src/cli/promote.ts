#!/usr/bin/env node
import { runBin } from './command';
import { promoteCommand } from './promote-command';

runBin('promote', promoteCommand);
