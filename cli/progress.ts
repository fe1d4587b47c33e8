/**
 * The progress bar of long commands (`net`, `sweep`, `report`): cli-progress on stderr, drawn only
 * when stderr is a terminal, so logs and pipes get nothing but the results.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  (done: number, total: number, label: string): void;
  end(): void;
}

export function progressBar(unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: SingleBar | undefined;
  const update = (done: number, total: number, label: string) => {
    if (!stream.isTTY) return;
    if (!bar) {
      bar = new SingleBar({ stream, format: `[{bar}] {value}/{total} ${unit}, {duration}s, eta {eta}s  {label}`, barsize: 30, hideCursor: true, clearOnComplete: false });
      bar.start(total, 0, { label: '' });
    }
    bar.setTotal(total);
    bar.update(done, { label: label.slice(0, 40) });
  };
  return Object.assign(update, {
    end() {
      bar?.stop();
    },
  });
}
