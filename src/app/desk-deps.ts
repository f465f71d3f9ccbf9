import type {
  AlertRegister,
  AuditLog,
  Clock,
  ContractCatalogue,
  IdGenerator,
  OrganisationRepository,
  PersonRepository,
  SlaTimerScheduler,
  TicketRepository,
} from './ports.ts';
import type { PeopleNotifier } from './tell-people.ts';

/** Everything the use cases need from the outside world, as ports. */
export interface DeskDeps {
  clock: Clock;
  ids: IdGenerator;
  tickets: TicketRepository;
  organisations: OrganisationRepository;
  people: PersonRepository;
  audit: AuditLog;
  timers: SlaTimerScheduler;
  contracts: ContractCatalogue;
  tell: PeopleNotifier;
  alerts: AlertRegister;
}
