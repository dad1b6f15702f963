/** Options of the synthetic segmentation scenes (`segment train`, `segment eval`). */
import { TEST_SCENE_SEED, type SegmentRunOptions } from '../run-segmentation.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { int } from './parsers.js';

/** `sceneSeed` is that of the training scenes in `segment train`, of the test scenes in `segment eval`. */
export type SceneValues = Pick<SegmentRunOptions, 'sceneSeed' | 'sceneSize' | 'trainScenes' | 'testScenes' | 'sheetScenes'>;

export const SCENE_OPTIONS: Catalog<SceneValues> = {
  sceneSize: { flags: '--scene-size <n>', help: 'canvas side in pixels (divisible by 2^depth; item scales follow size/64)', parse: int(8) },
  trainScenes: { flags: '--train-scenes <n>', help: 'training scenes (from training images)', parse: int(1) },
  testScenes: { flags: '--test-scenes <n>', help: `test scenes (from test images, seed ${TEST_SCENE_SEED})`, parse: int(1) },
  sceneSeed: { flags: '--scene-seed <n>', help: 'seed of the training scenes (default: --seed)', parse: int(0) },
  sheetScenes: { flags: '--sheet-scenes <n>', help: 'test scenes shown in predictions.png', parse: int(1) },
};

export const sceneOptions = (defaults: Defaults<SceneValues>, help?: HelpTexts<SceneValues>) => optionsOf(SCENE_OPTIONS, defaults, help);
