/**
 * Class names of the three datasets, indexed by label value (label `k` is `NAMES[k]`).
 * These are the official names in the official label order.
 */

/** MNIST handwritten digits: label k is the digit k. */
export const MNIST_CLASSES: readonly string[] = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Fashion-MNIST (Zalando Research), official label order. */
export const FASHION_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** CIFAR-10, official label order (as in `batches.meta.txt` of the binary version). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
]);

/** Training-set sizes of the official releases (the manifest's count is preferred when the server has one). */
export const OFFICIAL_TRAIN_SIZE = Object.freeze({ mnist: 60000, fashion: 60000, cifar10: 50000 });
