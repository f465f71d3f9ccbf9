import type { Waiter } from '../app/ports.ts';

export const systemWaiter: Waiter = {
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
