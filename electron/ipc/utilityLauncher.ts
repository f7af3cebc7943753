// Hosts stage processes in Electron utility processes (Chromium's service processes, which the app
// manages and which die with it) instead of child_process.fork: the 'process' transport of
// native-workers/stages/stagePort.ts with this launcher. Messages are structured clones both ways;
// the stage worker answers through process.parentPort.
import { utilityProcess } from 'electron';
import type { StageLauncher } from '../../native-workers/stages/stagePort';

export const utilityLauncher: StageLauncher = (modulePath) => {
  const child = utilityProcess.fork(modulePath, [], { serviceName: 'chronopix-stage', stdio: 'inherit' });
  return {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => {
      child.on('error', (type, location) => listener(`${type} at ${location}`));
      child.on('exit', (code) => listener(`exit code ${code}`));
    },
    kill: () => child.kill(),
  };
};
