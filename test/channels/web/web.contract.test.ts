import { channelContract } from '../contract/channel-contract.ts';
import { useWebChannelWorld } from './web-world.ts';

channelContract('web', useWebChannelWorld);
