import { channelContract } from '../contract/channel-contract.ts';
import { useTeamsWorld } from './teams-world.ts';

channelContract('teams', useTeamsWorld);
