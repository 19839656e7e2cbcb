import { DEFAULT_DEPLOY_OPTIONS, deployOptions, parseSynthArgs } from '../src/deploy-options';

describe('synth options', () => {
  it('defaults, and overrides from --name=value (numbers where the option is one)', () => {
    expect(deployOptions()).toEqual(DEFAULT_DEPLOY_OPTIONS);
    expect(
      deployOptions(parseSynthArgs(['--parallelism=4', '--testid=run-7', '--cpus=4'])),
    ).toMatchObject({
      parallelism: 4,
      testid: 'run-7',
      cpus: 4,
    });
  });

  it.each([
    [['--parallelism=0']],
    [['--parallelism=']],
    [['--cpus=1.5']],
    [['--cpus=65']],
    [['--testid=has space']],
    [['--namespace=Lab']],
    [['--memory=1g']],
    [['--imageRegistry=registry.example.com']],
    [['--remoteWriteUrl=prometheus:9090']],
  ])('refuses %j with ERR_DEPLOY_OPTION', (argv) => {
    expect(() => deployOptions(parseSynthArgs(argv))).toThrow(
      expect.objectContaining({ code: 'ERR_DEPLOY_OPTION' }),
    );
  });

  it("refuses an unknown option, a bare word, or a name of Object.prototype's", () => {
    const inherited = [['--constructor=1'], ['--toString=x'], ['--hasOwnProperty=2']];
    for (const argv of [['--paralelism=2'], ['parallelism=2'], ...inherited])
      expect(() => parseSynthArgs(argv)).toThrow(
        expect.objectContaining({ code: 'ERR_DEPLOY_OPTION' }),
      );
  });
});
