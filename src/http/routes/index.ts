import type { Route } from '../router.ts';
import { alertRoutes } from './alerts.ts';
import { directoryRoutes } from './directory.ts';
import { messagingRoutes } from './messaging.ts';
import { operationRoutes } from './operations.ts';
import { ticketActionRoutes } from './ticket-actions.ts';
import { ticketRoutes } from './tickets.ts';

/** Every route the server answers, in matching order. */
export const ROUTES: readonly Route[] = [
  ...ticketRoutes,
  ...ticketActionRoutes,
  ...alertRoutes,
  ...directoryRoutes,
  ...messagingRoutes,
  ...operationRoutes,
];
