#!/usr/bin/env node
import { runBin } from './command';
import { releaseNotesCommand } from './release-notes-command';

runBin('release-notes', releaseNotesCommand);
