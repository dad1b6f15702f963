/**
 * A TF.js IO handler for a directory on the local file system (Node), for environments without
 * tfjs-node's `file://` scheme: `model.save(fileIO(dir))`, `tf.loadLayersModel(fileIO(dir))`.
 *
 * Writes `model.json` and `weights.bin` atomically (weights first, then the topology that points
 * at them), so an interrupted save never leaves a half-written checkpoint in place.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

export function fileIO(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('fileIO: binary model topologies are not supported');
      const weightData = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(json));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weightData.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(dir, MODEL_FILE);
      if (!existsSync(modelPath)) throw new Error(`no saved model in ${dir}: ${MODEL_FILE} is missing`);
      let json: {
        modelTopology?: object;
        weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
        format?: string; generatedBy?: string; convertedBy?: string | null;
        trainingConfig?: tf.io.TrainingConfig; userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
      };
      try {
        json = JSON.parse(readFileSync(modelPath, 'utf8'));
      } catch (err) {
        throw new Error(`corrupt ${modelPath}: ${(err as Error).message}`);
      }
      if (json.modelTopology == null || !Array.isArray(json.weightsManifest)) {
        throw new Error(`corrupt ${modelPath}: modelTopology or weightsManifest is missing`);
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const wp = join(dir, p);
          if (!existsSync(wp)) throw new Error(`missing weights file ${wp} (listed in ${modelPath})`);
          buffers.push(readFileSync(wp));
        }
      }
      const all = Buffer.concat(buffers);
      const bytesPer = (d: string) => (d === 'bool' || d === 'uint8' ? 1 : d === 'float16' ? 2 : 4);
      const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s.quantization?.dtype ?? s.dtype), 0);
      if (all.length !== expected) {
        throw new Error(`corrupt weights in ${dir}: ${all.length} bytes but the manifest describes ${expected}`);
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}
