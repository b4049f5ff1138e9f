export { attachGateway } from './attach-gateway.ts';
export type { GatewayDeps, GatewayHandle, GatewayServer } from './attach-gateway.ts';
export { callerMissionsRoom } from './summary-feed.ts';
