// placeholder replaced below
import type { OpensslContext } from './context.ts';
export async function sClient(ctx: OpensslContext, _args: string[]): Promise<number> {
  await ctx.err('s_client: not available\n');
  return 1;
}
